import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface ConditionalGetOptions {
  /**
   * `private` (default): the answer may depend on who asks, so only the caller's own cache may keep it, and
   * `Vary: Authorization` tells every cache so. `public`: the same answer for every caller.
   */
  visibility?: 'private' | 'public';
  /** Seconds a cache may reuse the answer without asking again (default 0: always revalidate with the ETag). */
  maxAgeSeconds?: number;
}

/** A weak validator from a version the handler knows (an `updated_at`, a cache generation): `W/"…"`. */
export function weakEtag(version: string | Buffer): string {
  return `W/"${createHash('sha1').update(version).digest('base64url').slice(0, 27)}"`;
}

/** If-None-Match holds `etag` (weak comparison, RFC 9110 §13.1.2), or is `*`. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}

function varyOnAuthorization(reply: FastifyReply): void {
  const existing = reply.getHeader('vary');
  const values =
    existing === undefined
      ? []
      : String(existing)
          .split(',')
          .map((value) => value.trim());
  if (!values.some((value) => value.toLowerCase() === 'authorization' || value === '*'))
    reply.header('vary', [...values, 'Authorization'].join(', '));
}

/**
 * `ETag` + `If-None-Match` → 304 for a cacheable GET: spread the result into the route options,
 * `app.get(url, { onRequest: app.authenticate, ...conditionalGet(), schema }, handler)`.
 * The ETag is the one the handler set (`reply.header('etag', weakEtag(version))`), else a weak hash of the
 * serialized body; only 200 answers get one. A matching If-None-Match is answered 304 with no body, which
 * saves the client the transfer and the parse (the server still produced the body unless the handler set the
 * version and answered early — see `notModified`).
 */
export function conditionalGet(options: ConditionalGetOptions = {}) {
  const visibility = options.visibility ?? 'private';
  const cacheControl =
    options.maxAgeSeconds && options.maxAgeSeconds > 0
      ? `${visibility}, max-age=${options.maxAgeSeconds}`
      : `${visibility}, no-cache`;

  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return payload;
    if (reply.statusCode !== 200 && reply.statusCode !== 304) return payload;
    // A 304 carries the headers the 200 would have (RFC 9110 §15.4.5).
    reply.header('cache-control', cacheControl);
    if (visibility === 'private') varyOnAuthorization(reply);
    if (reply.statusCode === 304) return payload;
    let etag = reply.getHeader('etag') as string | undefined;
    if (!etag) {
      if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload; // a stream: no validator
      etag = weakEtag(payload);
      reply.header('etag', etag);
    }
    if (!matches(request.headers['if-none-match'], etag)) return payload;
    reply.code(304);
    reply.removeHeader('content-length');
    reply.removeHeader('content-type');
    return null;
  };

  return { onSend };
}

/**
 * For a handler that knows its version before building the body: sets the ETag and tells whether the caller
 * already holds that version, so the handler can answer `reply.code(304).send()` without any further work.
 */
export function notModified(request: FastifyRequest, reply: FastifyReply, version: string): boolean {
  const etag = weakEtag(version);
  reply.header('etag', etag);
  return matches(request.headers['if-none-match'], etag);
}
