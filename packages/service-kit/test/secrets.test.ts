import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import { SqlParams } from '../src/db/sql-params.js';
import { serviceSecret } from '../src/secrets.js';
import { LocalStorage } from '../src/storage/local.js';
import { openStorage } from '../src/storage/open.js';

describe('serviceSecret', () => {
  it('prefers the configured value', () => {
    expect(serviceSecret({ service: 's', name: 'CURSOR_SECRET', given: 'configured', dataDir: '/nonexistent' })).toBe(
      'configured',
    );
  });

  it('generates one secret under DATA_DIR, readable by its owner only, and keeps it across restarts', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const first = serviceSecret({ service: 'event', name: 'CURSOR_SECRET', dataDir });
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(serviceSecret({ service: 'event', name: 'CURSOR_SECRET', dataDir })).toBe(first);
    expect(serviceSecret({ service: 'user', name: 'CURSOR_SECRET', dataDir })).not.toBe(first);
    expect(statSync(join(dataDir, 'event', 'cursor_secret.secret')).mode & 0o777).toBe(0o600);
  });

  it('stops boot naming the variable when there is neither', () => {
    expect(() => serviceSecret({ service: 'event', name: 'CURSOR_SECRET' })).toThrow(ConfigError);
    expect(() => serviceSecret({ service: 'event', name: 'CURSOR_SECRET' })).toThrow(/CURSOR_SECRET: is required/);
  });
});

describe('openStorage without STORAGE_URL', () => {
  it('keeps media on local disk under DATA_DIR with a generated signing secret', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'media-'));
    const storage = openStorage({ DATA_DIR: dataDir, STORAGE_PUBLIC_URL: 'http://localhost:8000/media' }, 'content');
    expect(storage).toBeInstanceOf(LocalStorage);
    await storage.put('posts/a.txt', Buffer.from('hi'), { contentType: 'text/plain' });
    expect(statSync(join(dataDir, 'content', 'media', 'posts', 'a.txt')).size).toBe(2);
    expect(statSync(join(dataDir, 'content', 'storage_signing_secret.secret')).isFile()).toBe(true);
  });

  it('names what is missing', () => {
    expect(() => openStorage({}, 'content')).toThrow(/STORAGE_URL: is required/);
    expect(() => openStorage({ STORAGE_URL: 'file:///tmp/x' }, 'content')).toThrow(/STORAGE_PUBLIC_URL/);
  });
});

describe('SqlParams', () => {
  it('numbers placeholders as values are added and joins conditions', () => {
    const params = new SqlParams();
    expect(params.where).toBe('');
    params.and(`city = ${params.add('Paris')}`).and(`starts_at > ${params.add('2026-01-01')}`);
    expect(params.where).toBe('WHERE city = $1 AND starts_at > $2');
    expect(params.values).toEqual(['Paris', '2026-01-01']);
  });
});
