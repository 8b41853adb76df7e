import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type ObjectStorage, openStorage } from '@diaspora/service-kit';

interface StorageSettings {
  STORAGE_URL?: string;
  STORAGE_PUBLIC_URL: string;
  STORAGE_SIGNING_SECRET?: string;
  DATA_DIR?: string;
}

/** A secret made once and kept under the data directory, so signed links survive restarts. */
function secretUnder(dataDir: string): string {
  const dir = join(resolve(dataDir), 'messaging');
  const path = join(dir, 'media-signing.secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}

/**
 * The media store: STORAGE_URL when given (S3 in production), else local files under DATA_DIR (all-in-one).
 * Local signed links need a secret: STORAGE_SIGNING_SECRET, else one kept under DATA_DIR.
 */
export function openMediaStorage(config: StorageSettings): ObjectStorage {
  const fail = (line: string) => {
    throw new ConfigError(`invalid configuration for the messaging service:\n  - ${line}`);
  };
  const url =
    config.STORAGE_URL ??
    (config.DATA_DIR ? pathToFileURL(join(resolve(config.DATA_DIR), 'messaging', 'media')).href : undefined);
  if (!url) return fail('STORAGE_URL: is required (or DATA_DIR, to keep media on local disk under it)');
  let secret = config.STORAGE_SIGNING_SECRET;
  if (url.startsWith('file:') && !secret) {
    if (!config.DATA_DIR) return fail('STORAGE_SIGNING_SECRET: is required with file:// storage (or DATA_DIR)');
    secret = secretUnder(config.DATA_DIR);
  }
  return openStorage({
    STORAGE_URL: url,
    STORAGE_PUBLIC_URL: config.STORAGE_PUBLIC_URL,
    ...(secret ? { STORAGE_SIGNING_SECRET: secret } : {}),
  });
}
