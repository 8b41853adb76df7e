import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from '../domain/auth.js';

export const clientInfo = (request: FastifyRequest): ClientInfo => ({
  userAgent: request.headers['user-agent'] ?? null,
  ip: request.ip ?? null,
});

/** The session (refresh-token family) of the access token that authenticated this request (its `sid`). */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  return request.auth?.sid;
}
