import { freshDatabase, issueTestToken, testJwksUrl } from '@diaspora/testing';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwksKeySource, TokenVerifier } from '../../src/auth/verifier.js';
import { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrations.js';
import { problems } from '../../src/errors.js';
import { Readiness } from '../../src/health.js';
import { createHttpApp, type HttpApp } from '../../src/http/app.js';
import { idempotencyMigrations, idempotent, purgeExpiredIdempotencyKeys } from '../../src/http/idempotency.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';

let app: HttpApp;
let db: Database;
let executions = 0;
let release: (() => void) | undefined;

beforeAll(async () => {
  db = new Database(await freshDatabase());
  await migrate(db, { service: 'kit_idem', migrations: idempotencyMigrations });
  app = await createHttpApp({
    logger: createLogger({ service: 'test', level: 'silent' }),
    bodyLimit: 10_000,
    metrics: createMetrics('test'),
    readiness: new Readiness({}),
    verifier: new TokenVerifier(new JwksKeySource(await testJwksUrl()), {
      issuer: 'diaspora-users',
      audience: 'diaspora',
    }),
    openapi: { title: 'Test', description: 'test', version: '1' },
  });
  const guard = idempotent(db, { leaseMs: 1000 });
  app.post(
    '/orders',
    {
      onRequest: app.authenticate,
      ...guard,
      schema: { body: Type.Object({ item: Type.String(), slow: Type.Optional(Type.Boolean()) }) },
    },
    async (request, reply) => {
      executions += 1;
      if (request.body.slow) await new Promise<void>((resolve) => (release = resolve));
      if (request.body.item === 'broken') throw new Error('database exploded');
      if (request.body.item === 'refused') throw problems.conflict('out of stock');
      return reply.code(201).send({ order: executions, item: request.body.item });
    },
  );
  app.post('/strict', { onRequest: app.authenticate, ...idempotent(db, { required: true }) }, async () => ({
    ok: true,
  }));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

const alice = { authorization: `Bearer ${issueTestToken({ sub: 'usr_alice' })}` };
const bob = { authorization: `Bearer ${issueTestToken({ sub: 'usr_bob' })}` };

const order = (headers: Record<string, string>, key: string | undefined, body: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: '/orders',
    headers: { ...headers, ...(key ? { 'idempotency-key': key } : {}) },
    payload: body,
  });

describe('Idempotency-Key', () => {
  it('runs the first request and replays its exact answer to an identical retry', async () => {
    const before = executions;
    const first = await order(alice, 'k-1', { item: 'book' });
    expect(first.statusCode).toBe(201);
    const retry = await order(alice, 'k-1', { item: 'book' });
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers['content-type']).toContain('application/json');
    expect(executions).toBe(before + 1);
  });

  it('treats the same body with keys in another order as the same request', async () => {
    const before = executions;
    await app.inject({
      method: 'POST',
      url: '/orders',
      headers: { ...alice, 'idempotency-key': 'k-order', 'content-type': 'application/json' },
      payload: '{"item":"pen","slow":false}',
    });
    const retry = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: { ...alice, 'idempotency-key': 'k-order', 'content-type': 'application/json' },
      payload: '{"slow":false,"item":"pen"}',
    });
    expect(retry.statusCode).toBe(201);
    expect(executions).toBe(before + 1);
  });

  it('answers 422 when the key is reused with a different body', async () => {
    await order(alice, 'k-2', { item: 'book' });
    const reused = await order(alice, 'k-2', { item: 'lamp' });
    expect(reused.statusCode).toBe(422);
    expect(reused.headers['content-type']).toContain('application/problem+json');
    expect(reused.json().type).toMatch(/idempotency-key-reused$/);
  });

  it('answers 409 while the first request is still in progress', async () => {
    const first = order(alice, 'k-3', { item: 'slow', slow: true });
    for (let i = 0; i < 100 && !release; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const concurrent = await order(alice, 'k-3', { item: 'slow', slow: true });
    expect(concurrent.statusCode).toBe(409);
    expect(concurrent.headers['retry-after']).toBe('1');
    release?.();
    release = undefined;
    expect((await first).statusCode).toBe(201);
    const after = await order(alice, 'k-3', { item: 'slow', slow: true });
    expect(after.statusCode).toBe(201);
    expect(after.headers['idempotent-replayed']).toBe('true');
  });

  it('scopes keys per principal', async () => {
    const before = executions;
    await order(alice, 'k-shared', { item: 'a' });
    const other = await order(bob, 'k-shared', { item: 'b' });
    expect(other.statusCode).toBe(201);
    expect(other.json().item).toBe('b');
    expect(executions).toBe(before + 2);
  });

  it('replays 4xx answers but lets a retry after a 5xx run again', async () => {
    const refused = await order(alice, 'k-4', { item: 'refused' });
    expect(refused.statusCode).toBe(409);
    const replayed = await order(alice, 'k-4', { item: 'refused' });
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.json().detail).toBe('out of stock');

    const before = executions;
    expect((await order(alice, 'k-5', { item: 'broken' })).statusCode).toBe(500);
    expect((await order(alice, 'k-5', { item: 'broken' })).statusCode).toBe(500);
    expect(executions).toBe(before + 2);
  });

  it('works without a key, rejects malformed keys, and can require one', async () => {
    const before = executions;
    await order(alice, undefined, { item: 'x' });
    await order(alice, undefined, { item: 'x' });
    expect(executions).toBe(before + 2);
    const bad = await order(alice, 'has space', { item: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('Idempotency-Key');
    const strict = await app.inject({ method: 'POST', url: '/strict', headers: alice, payload: {} });
    expect(strict.statusCode).toBe(400);
  });

  it('lets a retry take over a key whose first request never finished, and expires keys', async () => {
    await db.query(
      `INSERT INTO idempotency_keys (principal, key, request_hash, state, locked_until, expires_at)
       VALUES ('usr_alice', 'k-abandoned', 'whatever', 'in_progress', now() - interval '1 second', now() + interval '1 day')`,
    );
    // Different fingerprint: still 422 — an abandoned key is only taken over by the same request.
    expect((await order(alice, 'k-abandoned', { item: 'z' })).statusCode).toBe(422);
    await db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'k-abandoned'`);
    expect((await order(alice, 'k-abandoned', { item: 'z' })).statusCode).toBe(201);
    await db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'k-1'`);
    expect(await purgeExpiredIdempotencyKeys(db)).toBeGreaterThanOrEqual(1);
    const { rows } = await db.query(`SELECT 1 FROM idempotency_keys WHERE key = 'k-1'`);
    expect(rows).toHaveLength(0);
  });
});
