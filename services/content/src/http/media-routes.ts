import { bearerSecurity, callerOf, type HttpApp, Problem, problemResponses, problems } from '@diaspora/service-kit';
import { type ObjectStorage, registerMediaRoute } from '@diaspora/service-kit/storage';
import multipart from '@fastify/multipart';
import type { MediaLibrary } from '../domain/media.js';
import { UploadView } from './schemas.js';

/** What we accept, recognized by the file's first bytes (the declared type is not trusted). */
const SIGNATURES: { type: string; extension: string; matches(head: Buffer): boolean }[] = [
  { type: 'image/jpeg', extension: 'jpg', matches: (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff },
  {
    type: 'image/png',
    extension: 'png',
    matches: (head) => head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { type: 'image/gif', extension: 'gif', matches: (head) => /^GIF8[79]a/.test(head.subarray(0, 6).toString('latin1')) },
  {
    type: 'image/webp',
    extension: 'webp',
    matches: (head) =>
      head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  { type: 'video/mp4', extension: 'mp4', matches: (head) => head.subarray(4, 8).toString('latin1') === 'ftyp' },
];

export function sniffMediaType(body: Buffer) {
  return SIGNATURES.find((signature) => signature.matches(body));
}

const MALFORMED_MULTIPART = /^(Multipart: |Unexpected end of (form|multipart data)|Malformed part header)/;

/** Media uploads (multipart, one file) and, with local storage, the signed-link download route. */
export async function mediaRoutes(
  app: HttpApp,
  deps: { storage: ObjectStorage; media: MediaLibrary; maxBytes: number },
): Promise<void> {
  const { storage, media, maxBytes } = deps;
  await registerMediaRoute(app, storage, '/api/v1/content/media');

  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6 } });
    scope.post(
      '/api/v1/content/media',
      {
        onRequest: scope.authenticate,
        schema: {
          tags: ['posts'],
          security: bearerSecurity,
          summary: 'Upload a photo or video (multipart field "file"); attach its id to a post within a day',
          description: `JPEG, PNG, GIF, WebP or MP4, at most ${maxBytes} bytes.`,
          consumes: ['multipart/form-data'],
          response: { 201: UploadView, ...problemResponses(400, 401, 413, 415) },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) throw new Problem(415, { detail: 'Send the file as multipart/form-data.' });
        let body: Buffer;
        try {
          const file = await request.file();
          if (!file) throw problems.validation([{ field: 'file', message: 'is required' }]);
          body = await file.toBuffer();
        } catch (error) {
          if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
            throw new Problem(413, { detail: `Media files are limited to ${maxBytes} bytes.` });
          // The multipart parser's own complaints (no boundary, truncated form) are about the request, not us.
          if (error instanceof Error && MALFORMED_MULTIPART.test(error.message))
            throw new Problem(400, {
              type: 'validation',
              detail: `The multipart body is malformed: ${error.message}.`,
            });
          throw error;
        }
        if (body.length === 0) throw problems.validation([{ field: 'file', message: 'is empty' }]);
        const kind = sniffMediaType(body);
        if (!kind)
          throw new Problem(415, {
            type: 'unsupported-media-type',
            detail: 'Only JPEG, PNG, GIF, WebP images and MP4 videos are accepted.',
          });
        return reply.code(201).send(await media.upload(callerOf(request).sub, body, kind));
      },
    );
  });
}
