import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { problems } from '../errors.js';
import { problemResponse } from './schemas.js';

const INPUTS = ['params', 'querystring', 'body', 'headers'] as const;
/** Where each schema part lives on the request, and the prefix its field errors carry (as validation errors). */
const PARTS = [
  { read: (request: FastifyRequest) => request.params, prefix: 'params.' },
  { read: (request: FastifyRequest) => request.query, prefix: 'querystring.' },
  { read: (request: FastifyRequest) => request.body, prefix: '' },
] as const;
const MAX_DEPTH = 32;

/** The path of the first string (or key) holding a NUL character, which PostgreSQL refuses to store. */
function nulField(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : undefined;
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulField(item, `${path}[${index}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  // Plain objects only (parsed JSON; params and query strings sit one level above a null prototype): multipart
  // streams and buffers are checked by their own routes.
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== null && Object.getPrototypeOf(prototype) !== null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return field;
    const found = nulField(item, field, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Input rules every route shares: a NUL character anywhere in params, query or JSON body is a 400 naming the field
 * (PostgreSQL cannot store it, so it would otherwise surface as a 500), and every route that takes input documents
 * its 400 answer in the OpenAPI document.
 */
export function guardRequestInput(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as (Record<string, unknown> & { response?: Record<string, unknown> }) | undefined;
    if (!schema?.response || !INPUTS.some((part) => schema[part])) return;
    schema.response[400] ??= problemResponse('Bad Request');
  });
  app.addHook('preValidation', async (request) => {
    for (const part of PARTS) {
      const field = nulField(part.read(request), '');
      if (field)
        throw problems.validation([{ field: `${part.prefix}${field}`, message: 'must not contain NUL characters' }]);
    }
  });
}
