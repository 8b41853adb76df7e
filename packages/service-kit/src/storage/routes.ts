import { Type } from 'typebox';
import { problems } from '../errors.js';
import type { HttpApp } from '../http/app.js';
import { LocalStorage } from './local.js';
import type { ObjectStorage } from './types.js';

/**
 * Serves local-storage objects at `<prefix>/*` for the signed URLs `LocalStorage.signedUrl` hands out. With S3,
 * signed URLs point at S3 itself and nothing is registered.
 */
export async function registerMediaRoute(app: HttpApp, storage: ObjectStorage, prefix: string): Promise<void> {
  if (!(storage instanceof LocalStorage)) return;
  app.get(
    `${prefix}/*`,
    {
      schema: {
        hide: true,
        querystring: Type.Object({ expires: Type.Integer(), sig: Type.String({ maxLength: 100 }) }),
      },
    },
    async (request, reply) => {
      const key = (request.params as { '*': string })['*'];
      const { expires, sig } = request.query;
      if (!storage.verify(key, expires, sig)) throw problems.forbidden('The link is invalid or has expired.');
      const object = await storage.get(key);
      if (!object) throw problems.notFound('file');
      return reply
        .type(object.contentType)
        .header('content-length', object.size)
        .header('cache-control', 'private, max-age=3600')
        .header('content-security-policy', "default-src 'none'")
        .send(object.body);
    },
  );
}
