import { bearerToken } from '@diaspora/service-kit';
import type { FastifyRequest } from 'fastify';
import jwt from 'jsonwebtoken';
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
  const payload = token ? jwt.decode(token) : null;
  return payload && typeof payload === 'object' && typeof payload.sid === 'string' ? payload.sid : undefined;
}

export const security = [{ bearer: [] }];
