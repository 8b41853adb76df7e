import { bearerToken, type HttpApp, problems, type TokenVerifier } from '@diaspora/service-kit';
import websocket from '@fastify/websocket';
import { Type } from 'typebox';
import { CLOSE, isProtocolError } from './connection.js';
import type { RealtimeHub } from './hub.js';

/**
 * `GET /api/v1/messages/ws?token=<access token>` (or an Authorization header): the token is verified here as
 * well as at the gateway, before the upgrade; a refused upgrade is a plain problem+json HTTP answer.
 */
export async function socketRoute(
  app: HttpApp,
  options: { hub: RealtimeHub; verifier: TokenVerifier; maxFrameBytes: number },
): Promise<void> {
  await app.register(websocket, {
    options: {
      // Beyond the soft limit frames get an error frame; this hard limit closes the socket (1009) before buffering.
      maxPayload: options.maxFrameBytes * 4,
      perMessageDeflate: false,
    },
    // The plugin's default terminates on any socket error, cutting the close frame ws already sent for a protocol
    // error (a frame beyond maxPayload: 1009): the client would see 1006. ClientConnection handles every error.
    errorHandler(error, socket, request) {
      request.log.debug({ err: error }, 'websocket error');
      if (!isProtocolError(error)) socket.terminate();
    },
    // On shutdown clients are told to reconnect (1012), and will land on another instance.
    preClose(done) {
      for (const client of this.websocketServer.clients) client.close(CLOSE.restart, 'service restarting');
      done();
    },
  });
  app.get(
    '/api/v1/messages/ws',
    {
      websocket: true,
      schema: { querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 4096 })) }) },
      onRequest: async (request) => {
        const query = request.query as { token?: unknown };
        const token =
          (typeof query.token === 'string' && query.token) || bearerToken(request.headers.authorization) || undefined;
        if (!token) throw problems.unauthorized('Pass the access token as ?token= (or an Authorization header).');
        request.auth = await options.verifier.verify(token);
        // Refused before the upgrade, as a plain 429 problem the client can read.
        options.hub.admit(request.auth.sub, request.ip);
      },
    },
    (socket, request) => options.hub.accept(socket, request.auth!, request.ip),
  );
}
