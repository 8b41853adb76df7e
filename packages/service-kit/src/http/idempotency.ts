import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.js';
import type { Migration } from '../db/migrations.js';
import { Problem, problems } from '../errors.js';

/**
 * The table behind `Idempotency-Key`: one row per (principal, key), holding the request's fingerprint and, once
 * answered, the response to replay. A service that uses `idempotent()` lists these in its own migrations.
 */
export const idempotencyMigrations: Migration[] = [
  {
    id: 'kit_idempotency_0001',
    up: `
      CREATE TABLE idempotency_keys (
        principal text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        state text NOT NULL CHECK (state IN ('in_progress', 'completed')),
        locked_until timestamptz,
        response_status integer,
        response_type text,
        response_body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (principal, key)
      );
      CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);`,
    down: 'DROP TABLE idempotency_keys;',
  },
];

export interface IdempotencyOptions {
  /** How long a key and its stored response live (default 24 h). */
  ttlMs?: number;
  /** How long an unfinished request keeps its key before a retry may take it over (default 60 s). */
  leaseMs?: number;
  /** Reject requests without the header (default: the header is optional). */
  required?: boolean;
}

interface Claimed {
  principal: string;
  key: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Claimed;
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADER = 'idempotent-replayed';

/** Stable JSON: object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function fingerprint(request: FastifyRequest): string {
  const path = request.url.split('?')[0];
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
  return createHash('sha256')
    .update(`${request.method} ${path}${query}\n${canonical(request.body)}`)
    .digest('base64url');
}

/**
 * Route hooks making a write safe to retry with `Idempotency-Key` (per authenticated principal):
 * the first request runs and its answer (any status below 500) is stored for `ttlMs`; an identical retry gets
 * that answer replayed (`Idempotent-Replayed: true`); a retry while the first is still running gets 409; the
 * same key with a different method, path or body gets 422. A 5xx answer frees the key so a retry runs again.
 *
 * Spread the result into the route options after authentication has run (`onRequest: app.authenticate`):
 * `app.post(url, { onRequest: app.authenticate, ...idempotent(db), schema }, handler)`.
 */
export function idempotent(db: Database, options: IdempotencyOptions = {}) {
  const ttlSeconds = Math.ceil((options.ttlMs ?? 24 * 3600 * 1000) / 1000);
  const leaseSeconds = Math.ceil((options.leaseMs ?? 60_000) / 1000);

  const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['idempotency-key'];
    if (header === undefined) {
      if (options.required) throw problems.badRequest('This request needs an Idempotency-Key header.');
      return;
    }
    if (typeof header !== 'string' || !KEY.test(header))
      throw problems.validation([{ field: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }]);
    const principal = request.auth?.sub ?? 'anonymous';
    const hash = fingerprint(request);
    // Take the key when it is new, expired, or abandoned by a request that never finished (lease over).
    const { rows } = await db.query(
      `INSERT INTO idempotency_keys (principal, key, request_hash, state, locked_until, expires_at)
       VALUES ($1, $2, $3, 'in_progress', now() + make_interval(secs => $4), now() + make_interval(secs => $5))
       ON CONFLICT (principal, key) DO UPDATE SET
         request_hash = EXCLUDED.request_hash, state = 'in_progress', locked_until = EXCLUDED.locked_until,
         response_status = NULL, response_type = NULL, response_body = NULL,
         created_at = now(), expires_at = EXCLUDED.expires_at
       WHERE idempotency_keys.expires_at < now()
          OR (idempotency_keys.state = 'in_progress' AND idempotency_keys.locked_until < now()
              AND idempotency_keys.request_hash = EXCLUDED.request_hash)
       RETURNING key`,
      [principal, header, hash, leaseSeconds, ttlSeconds],
    );
    if (rows.length === 1) {
      request.idempotency = { principal, key: header };
      return;
    }
    const existing = await db.query<{
      request_hash: string;
      state: string;
      response_status: number | null;
      response_type: string | null;
      response_body: string | null;
    }>(
      `SELECT request_hash, state, response_status, response_type, response_body FROM idempotency_keys
       WHERE principal = $1 AND key = $2`,
      [principal, header],
    );
    const row = existing.rows[0];
    if (!row) throw problems.conflict('This Idempotency-Key is being reused concurrently; retry.', 'idempotency-busy');
    if (row.request_hash !== hash)
      throw new Problem(422, {
        type: 'idempotency-key-reused',
        detail: 'This Idempotency-Key was already used for a different request.',
      });
    if (row.state !== 'completed' || row.response_status === null)
      throw new Problem(409, {
        type: 'idempotency-in-progress',
        detail: 'The first request with this Idempotency-Key is still being processed; retry shortly.',
        headers: { 'retry-after': '1' },
      });
    reply.header(REPLAYED_HEADER, 'true');
    if (row.response_type) reply.type(row.response_type);
    return reply.code(row.response_status).send(row.response_body ?? undefined);
  };

  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claimed = request.idempotency;
    if (!claimed) return payload;
    request.idempotency = undefined;
    const storable = typeof payload === 'string' || payload === null || payload === undefined;
    if (reply.statusCode >= 500 || !storable) {
      await db.query('DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2', [
        claimed.principal,
        claimed.key,
      ]);
      return payload;
    }
    const type = reply.getHeader('content-type');
    await db.query(
      `UPDATE idempotency_keys SET state = 'completed', locked_until = NULL, response_status = $3,
         response_type = $4, response_body = $5
       WHERE principal = $1 AND key = $2`,
      [claimed.principal, claimed.key, reply.statusCode, typeof type === 'string' ? type : null, payload ?? null],
    );
    return payload;
  };

  return { preHandler, onSend };
}

/** Deletes expired keys; call it from a periodic job (the table only grows otherwise). */
export async function purgeExpiredIdempotencyKeys(db: Database): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM idempotency_keys WHERE expires_at < now()');
  return rowCount ?? 0;
}
