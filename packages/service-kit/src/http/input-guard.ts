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
// In u-mode a paired surrogate is one code point, so only unpaired halves match.
const LONE_SURROGATE = /\p{Cs}/u;

/** Why PostgreSQL (and JSON consumers) cannot take a string as is, or undefined when it is fine. */
function stringFault(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  // A lone UTF-16 surrogate (`"\ud800"` in JSON) has no UTF-8 form: PostgreSQL refuses it with a 500 otherwise.
  if (LONE_SURROGATE.test(text)) return 'must not contain unpaired surrogate characters';
  return undefined;
}

export interface MalformedText {
  /** `content`, `tags[2]`, `venue.city`; the empty string for a bare string. */
  field: string;
  message: string;
}

/**
 * The first string (or key) in parsed JSON, params or a query string that no store can hold: a NUL character or an
 * unpaired surrogate. Routes get this check from the kit; WebSocket and other non-route inputs call it themselves.
 */
export function malformedText(value: unknown, path = '', depth = 0): MalformedText | undefined {
  if (typeof value === 'string') {
    const message = stringFault(value);
    return message ? { field: path, message } : undefined;
  }
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = malformedText(item, `${path}[${index}]`, depth + 1);
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
    const keyFault = stringFault(key);
    if (keyFault) return { field, message: keyFault };
    const found = malformedText(item, field, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Input rules every route shares: a NUL character or an unpaired surrogate anywhere in params, query or JSON body is
 * a 400 naming the field (PostgreSQL cannot store either, so it would otherwise surface as a 500), and every route
 * that takes input documents its 400 answer in the OpenAPI document.
 */
export function guardRequestInput(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as (Record<string, unknown> & { response?: Record<string, unknown> }) | undefined;
    if (!schema?.response || !INPUTS.some((part) => schema[part])) return;
    schema.response[400] ??= problemResponse('Bad Request');
  });
  app.addHook('preValidation', async (request) => {
    for (const part of PARTS) {
      const fault = malformedText(part.read(request));
      if (fault)
        throw problems.validation([{ field: `${part.prefix}${fault.field || 'body'}`, message: fault.message }]);
    }
  });
}
