import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Type } from 'typebox';
import { ConfigError } from '../config.js';
import { serviceSecret } from '../secrets.js';
import { LocalStorage } from './local.js';
import { S3Storage } from './s3.js';
import type { ObjectStorage } from './types.js';

/** Config for services that store media; spread into the service's own config. */
export const storageConfig = {
  /**
   * `file:///var/lib/diaspora/media` (local disk) or `s3://bucket?region=eu-west-1[&endpoint=https://…]`;
   * without it, media go to `$DATA_DIR/<service>/media` (all-in-one).
   */
  STORAGE_URL: Type.Optional(Type.String({ pattern: '^(file|s3)://' })),
  /** Where the service serves local files back (its media route, through the gateway). */
  STORAGE_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** HMAC secret for local signed URLs (at least 32 characters); generated under DATA_DIR when absent. */
  STORAGE_SIGNING_SECRET: Type.Optional(Type.String({ minLength: 32 })),
};

export interface StorageSettings {
  STORAGE_URL?: string | undefined;
  STORAGE_PUBLIC_URL?: string | undefined;
  STORAGE_SIGNING_SECRET?: string | undefined;
  DATA_DIR?: string | undefined;
}

/**
 * The service's media store: STORAGE_URL when given (S3 in production), else local files under DATA_DIR.
 * Local signed links need a secret: STORAGE_SIGNING_SECRET, else one kept under DATA_DIR.
 */
export function openStorage(config: StorageSettings, service: string): ObjectStorage {
  const url =
    config.STORAGE_URL ??
    (config.DATA_DIR ? pathToFileURL(join(resolve(config.DATA_DIR), service, 'media')).href : undefined);
  if (!url)
    throw new ConfigError(
      `invalid configuration for the ${service} service:\n  - STORAGE_URL: is required (or DATA_DIR, to keep media on local disk under it)`,
    );
  const parsed = new URL(url);
  if (parsed.protocol === 's3:') {
    return new S3Storage({
      bucket: parsed.hostname,
      region: parsed.searchParams.get('region') ?? 'us-east-1',
      ...(parsed.searchParams.get('endpoint') ? { endpoint: parsed.searchParams.get('endpoint')! } : {}),
    });
  }
  if (!config.STORAGE_PUBLIC_URL)
    throw new ConfigError(
      `invalid configuration for the ${service} service:\n  - STORAGE_PUBLIC_URL: is required with file:// storage`,
    );
  const secret = serviceSecret({
    service,
    name: 'STORAGE_SIGNING_SECRET',
    given: config.STORAGE_SIGNING_SECRET,
    dataDir: config.DATA_DIR,
  });
  return new LocalStorage(decodeURIComponent(parsed.pathname), config.STORAGE_PUBLIC_URL, secret);
}
