import { Type } from 'typebox';
import { LocalStorage } from './local.js';
import { S3Storage } from './s3.js';
import type { ObjectStorage } from './types.js';

/** Config for services that store media; spread into the service's own config. */
export const storageConfig = {
  /** `file:///var/lib/diaspora/media` (local disk) or `s3://bucket?region=eu-west-1[&endpoint=https://…]`. */
  STORAGE_URL: Type.String({ pattern: '^(file|s3)://' }),
  /** Where the service serves local files back (its media route, through the gateway). */
  STORAGE_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** HMAC secret for local signed URLs (at least 32 characters). */
  STORAGE_SIGNING_SECRET: Type.Optional(Type.String({ minLength: 32 })),
};

export function openStorage(config: {
  STORAGE_URL: string;
  STORAGE_PUBLIC_URL?: string;
  STORAGE_SIGNING_SECRET?: string;
}): ObjectStorage {
  const url = new URL(config.STORAGE_URL);
  if (url.protocol === 's3:') {
    return new S3Storage({
      bucket: url.hostname,
      region: url.searchParams.get('region') ?? 'us-east-1',
      ...(url.searchParams.get('endpoint') ? { endpoint: url.searchParams.get('endpoint')! } : {}),
    });
  }
  if (!config.STORAGE_PUBLIC_URL || !config.STORAGE_SIGNING_SECRET) {
    throw new Error('local storage (file://) needs STORAGE_PUBLIC_URL and STORAGE_SIGNING_SECRET');
  }
  return new LocalStorage(decodeURIComponent(url.pathname), config.STORAGE_PUBLIC_URL, config.STORAGE_SIGNING_SECRET);
}
