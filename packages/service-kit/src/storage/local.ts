import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertStorageKey, type ObjectStorage, type StoredObject } from './types.js';

/**
 * Files under a directory, served back by the owning service at `publicUrl/<key>?expires=…&sig=…` where the
 * signature is an HMAC of key and expiry (see `verify`). Content types live in a `.meta` file beside each object.
 */
export class LocalStorage implements ObjectStorage {
  readonly kind = 'local';

  constructor(
    private readonly root: string,
    private readonly publicUrl: string,
    private readonly signingSecret: string,
  ) {}

  private path(key: string): string {
    assertStorageKey(key);
    return join(this.root, key);
  }

  async put(key: string, body: Buffer, options: { contentType: string }): Promise<StoredObject> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    await writeFile(`${path}.meta`, JSON.stringify({ contentType: options.contentType }));
    return { key, size: body.length, contentType: options.contentType };
  }

  async get(key: string) {
    const path = this.path(key);
    try {
      const [info, meta] = await Promise.all([stat(path), readFile(`${path}.meta`, 'utf8')]);
      return {
        body: createReadStream(path),
        contentType: (JSON.parse(meta) as StoredObject).contentType,
        size: info.size,
      };
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.path(key);
    await Promise.all([rm(path, { force: true }), rm(`${path}.meta`, { force: true })]);
  }

  private signature(key: string, expires: number): string {
    return createHmac('sha256', this.signingSecret).update(`${key}\n${expires}`).digest('base64url');
  }

  async signedUrl(key: string, options: { expiresInSeconds?: number } = {}): Promise<string> {
    assertStorageKey(key);
    const expires = Math.floor(Date.now() / 1000) + (options.expiresInSeconds ?? 3600);
    return `${this.publicUrl.replace(/\/$/, '')}/${key}?expires=${expires}&sig=${this.signature(key, expires)}`;
  }

  /** True when `sig` was made by `signedUrl` for this key and has not expired. */
  verify(key: string, expires: number, sig: string): boolean {
    if (!Number.isInteger(expires) || expires < Date.now() / 1000) return false;
    const expected = Buffer.from(this.signature(key, expires));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  async ping(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }
}
