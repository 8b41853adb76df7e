import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  size: number;
  contentType: string;
}

/**
 * The object storage port (media of posts and messages, avatars): local disk in all-in-one mode, S3 when
 * distributed. Clients never get storage credentials, only signed, expiring URLs.
 */
export interface ObjectStorage {
  readonly kind: 'local' | 's3';
  put(key: string, body: Buffer, options: { contentType: string }): Promise<StoredObject>;
  /** The object's bytes, or null when there is none under `key`. */
  get(key: string): Promise<{ body: Readable; contentType: string; size: number } | null>;
  delete(key: string): Promise<void>;
  /** A URL that lets whoever holds it read the object until it expires. */
  signedUrl(key: string, options?: { expiresInSeconds?: number }): Promise<string>;
  ping(): Promise<void>;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9/_.=-]{0,511}$/;

/** Keys are ours (`posts/usr_…/01J….jpg`), but checked anyway: no traversal, no surprises in paths or URLs. */
export function assertStorageKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
  }
}
