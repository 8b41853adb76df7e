// Object storage for media: local disk (all-in-one) or S3, chosen by STORAGE_URL. A subpath of the kit so that
// only services that store media carry the AWS SDK.
export { LocalStorage } from './local.js';
export { openStorage, type StorageSettings, storageConfig } from './open.js';
export { registerMediaRoute } from './routes.js';
export { S3Storage } from './s3.js';
export { assertStorageKey, type ObjectStorage, type StoredObject } from './types.js';
