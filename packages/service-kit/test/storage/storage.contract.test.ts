import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../../src/storage/local.js';
import { openStorage } from '../../src/storage/open.js';
import type { ObjectStorage } from '../../src/storage/types.js';

/** A minimal S3 endpoint (path-style PUT/GET/DELETE object, HEAD bucket) so the real SDK adapter runs for real. */
function fakeS3(): Promise<{ server: Server; url: string; requests: string[] }> {
  const objects = new Map<string, { body: Buffer; type: string }>();
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://s3').pathname);
    requests.push(`${request.method} ${request.url}`);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const [, bucket, ...rest] = path.split('/');
      const key = rest.join('/');
      if (bucket !== 'media') return response.writeHead(404).end('<Error><Code>NoSuchBucket</Code></Error>');
      if (request.method === 'HEAD' && !key) return response.writeHead(200).end();
      if (request.method === 'PUT') {
        objects.set(key, { body: Buffer.concat(chunks), type: String(request.headers['content-type']) });
        return response.writeHead(200, { etag: '"1"' }).end();
      }
      if (request.method === 'DELETE') {
        objects.delete(key);
        return response.writeHead(204).end();
      }
      const object = objects.get(key);
      if (!object) {
        return response
          .writeHead(404, { 'content-type': 'application/xml' })
          .end('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>missing</Message></Error>');
      }
      response.writeHead(200, { 'content-type': object.type, 'content-length': object.body.length }).end(object.body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests }),
    ),
  );
}

let s3: Awaited<ReturnType<typeof fakeS3>>;
beforeAll(async () => {
  s3 = await fakeS3();
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
});
afterAll(() => new Promise((resolve) => s3?.server.close(resolve)));

const adapters: [string, () => ObjectStorage][] = [
  [
    'local disk',
    () =>
      openStorage(
        {
          STORAGE_URL: `file://${mkdtempSync(join(tmpdir(), 'media-'))}`,
          STORAGE_PUBLIC_URL: 'http://localhost:8000/api/v1/content/media',
          STORAGE_SIGNING_SECRET: 'x'.repeat(32),
        },
        'test',
      ),
  ],
  [
    'S3 (AWS SDK against a local endpoint)',
    () => openStorage({ STORAGE_URL: `s3://media?region=eu-west-1&endpoint=${s3.url}` }, 'test'),
  ],
];

for (const [name, open] of adapters) {
  describe(`object storage: ${name}`, () => {
    it('stores, reads back with its content type, and deletes', async () => {
      const storage = open();
      await storage.ping();
      const stored = await storage.put('posts/usr_1/a.txt', Buffer.from('hello'), { contentType: 'text/plain' });
      expect(stored).toEqual({ key: 'posts/usr_1/a.txt', size: 5, contentType: 'text/plain' });
      const object = await storage.get('posts/usr_1/a.txt');
      expect(object?.contentType).toBe('text/plain');
      expect(await text(object!.body)).toBe('hello');
      await storage.delete('posts/usr_1/a.txt');
      expect(await storage.get('posts/usr_1/a.txt')).toBeNull();
    });

    it('refuses keys that could escape or surprise', async () => {
      const storage = open();
      for (const key of ['../etc/passwd', 'a/../../b', '/abs', 'a//b', 'sp ace', '']) {
        await expect(storage.put(key, Buffer.from('x'), { contentType: 'text/plain' }), key).rejects.toThrow(
          /invalid storage key/,
        );
      }
    });

    it('hands out expiring signed URLs', async () => {
      const storage = open();
      await storage.put('m/b.png', Buffer.from([1, 2, 3]), { contentType: 'image/png' });
      const url = new URL(await storage.signedUrl('m/b.png', { expiresInSeconds: 60 }));
      expect(url.pathname).toMatch(/m\/b\.png$/);
      expect([...url.searchParams.keys()].join(',')).toMatch(storage.kind === 's3' ? /X-Amz-Signature/ : /expires,sig/);
    });
  });
}

describe('LocalStorage signatures', () => {
  const storage = new LocalStorage(mkdtempSync(join(tmpdir(), 'media-')), 'http://x/media', 's'.repeat(32));

  it('verifies its own signatures only, and only until they expire', async () => {
    const url = new URL(await storage.signedUrl('k/1.jpg', { expiresInSeconds: 60 }));
    const expires = Number(url.searchParams.get('expires'));
    const sig = url.searchParams.get('sig')!;
    expect(storage.verify('k/1.jpg', expires, sig)).toBe(true);
    expect(storage.verify('k/2.jpg', expires, sig)).toBe(false);
    expect(storage.verify('k/1.jpg', expires + 1, sig)).toBe(false);
    expect(storage.verify('k/1.jpg', Math.floor(Date.now() / 1000) - 1, sig)).toBe(false);
  });
});

describe('registerMediaRoute', () => {
  it('serves a local object for a valid signature and refuses tampered or unknown links', async () => {
    const { default: Fastify } = await import('fastify');
    const { registerMediaRoute } = await import('../../src/storage/routes.js');
    const { registerProblemHandlers } = await import('../../src/http/problem-handler.js');
    const storage = new LocalStorage(mkdtempSync(join(tmpdir(), 'media-')), 'http://gw/api/v1/x/media', 'k'.repeat(32));
    const app = Fastify();
    registerProblemHandlers(app);
    await registerMediaRoute(app as never, storage, '/api/v1/x/media');
    await storage.put('p/1.txt', Buffer.from('pixel'), { contentType: 'text/plain' });
    const signed = new URL(await storage.signedUrl('p/1.txt'));
    const ok = await app.inject({ url: `${signed.pathname}${signed.search}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('pixel');
    expect(ok.headers['content-type']).toBe('text/plain');
    const tampered = await app.inject({ url: `${signed.pathname.replace('1.txt', '2.txt')}${signed.search}` });
    expect(tampered.statusCode).toBe(403);
    const unsigned = await app.inject({ url: signed.pathname });
    expect(unsigned.statusCode).toBe(400);
    await app.close();
  });
});
