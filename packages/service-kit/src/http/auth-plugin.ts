import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type AccessClaims, bearerToken, hasRole, type Role, type TokenVerifier } from '../auth/verifier.js';
import { problems } from '../errors.js';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate`; null on routes that do not require a token and got none. */
    auth: AccessClaims | null;
  }
  interface FastifyInstance {
    /** preHandler: 401 unless a valid access token is presented. */
    authenticate: Hook;
    /** preHandler: like `authenticate`, then 403 unless the caller holds one of `roles`. */
    requireRole(...roles: Role[]): Hook;
    /** preHandler: reads a token when present, without requiring one. */
    identify: Hook;
  }
}

export const authPlugin = fp(
  async (app: FastifyInstance, { verifier }: { verifier: TokenVerifier }) => {
    app.decorateRequest('auth', null);
    const read = async (request: FastifyRequest, required: boolean) => {
      const header = request.headers.authorization;
      const token = bearerToken(header);
      if (!token) {
        if (header) throw problems.invalidToken('The Authorization header must be "Bearer <access token>".');
        if (required) throw problems.unauthorized();
        return;
      }
      request.auth = await verifier.verify(token);
    };
    app.decorate('authenticate', (request: FastifyRequest) => read(request, true));
    app.decorate('identify', (request: FastifyRequest) => read(request, false));
    app.decorate(
      'requireRole',
      (...roles: Role[]): Hook =>
        async (request) => {
          await read(request, true);
          if (!hasRole(request.auth!, ...roles))
            throw problems.forbidden(`This requires the role ${roles.join(' or ')}.`);
        },
    );
  },
  { name: 'diaspora-auth' },
);

/**
 * The caller's claims on a route guarded by `authenticate` or `requireRole`: typed, and a 401 rather than a crash
 * if a route ever loses its guard.
 */
export function callerOf(request: FastifyRequest): AccessClaims {
  if (!request.auth) throw problems.unauthorized();
  return request.auth;
}
