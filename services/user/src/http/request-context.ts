import { bearerToken } from '@diaspora/service-kit';
import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { ClientInfo } from '../domain/auth.js';

export const clientInfo = (request: FastifyRequest): ClientInfo => ({
  userAgent: request.headers['user-agent'] ?? null,
  ip: request.ip ?? null,
});

/**
 * The session (refresh-token family) of the access token that authenticated this request: its `sid` claim.
 * Read only after `app.authenticate` verified the token.
 */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  const token = bearerToken(request.headers.authorization);
  if (!token) return undefined;
  try {
    const { sid } = decodeJwt(token);
    return typeof sid === 'string' ? sid : undefined;
  } catch {
    return undefined;
  }
}
