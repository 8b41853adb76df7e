import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import { type ObjectStorage, registerMediaRoute } from '@diaspora/service-kit/storage';
import { MEDIA_TYPES, type MediaService } from '../domain/media-service.js';
import { MediaView } from './schemas.js';

const PREFIX = '/api/v1/messages/media';

/** Upload (authenticated, raw body with its content type) and, for local storage, the signed-link download route. */
export async function mediaRoutes(
  app: HttpApp,
  media: MediaService,
  storage: ObjectStorage,
  maxBytes: number,
): Promise<void> {
  await registerMediaRoute(app, storage, PREFIX);
  // Its own scope: binary bodies are accepted on this route only; every other route stays JSON.
  await app.register(async (scope: HttpApp) => {
    scope.addContentTypeParser(MEDIA_TYPES, { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(
      PREFIX,
      {
        onRequest: scope.authenticate,
        bodyLimit: maxBytes,
        schema: {
          tags: ['media'],
          security: bearerSecurity,
          summary: 'Upload an attachment (the raw file as the body, with its Content-Type)',
          description: `Accepted types: ${MEDIA_TYPES.join(', ')}. Send the returned id in a message's attachments.`,
          consumes: MEDIA_TYPES,
          response: { 201: MediaView, ...problemResponses(400, 401, 413, 415) },
        },
      },
      async (request, reply) => {
        const contentType = String(request.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim()
          .toLowerCase();
        const uploaded = await media.upload(callerOf(request).sub, contentType, request.body as Buffer);
        return reply.code(201).send(uploaded);
      },
    );
  });
}
