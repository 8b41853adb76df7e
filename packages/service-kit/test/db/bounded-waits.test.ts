import { freshDatabase, testJwksUrl } from '@diaspora/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwksKeySource, TokenVerifier } from '../../src/auth/verifier.js';
import { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrations.js';
import { isUnavailableError } from '../../src/errors.js';
import { Readiness } from '../../src/health.js';
import { createHttpApp } from '../../src/http/app.js';
import { toProblem } from '../../src/http/problem-handler.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';

/**
 * A stuck database, made robustly: another session holds an ACCESS EXCLUSIVE lock on `stuck`, so PostgreSQL never
 * answers a query on it; the pool under test has a server-side statement_timeout far beyond the test, so only the
 * client-side bounds can end the wait (as with a frozen or unreachable server, which cannot cancel anything).
 */
let url: string;
let holder: pg.Client;
const open: Database[] = [];

beforeAll(async () => {
  url = await freshDatabase();
  const setup = new Database(url);
  await setup.query('CREATE TABLE stuck (id int)');
  await setup.close();
  holder = new pg.Client({ connectionString: url });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE stuck IN ACCESS EXCLUSIVE MODE');
});
afterAll(async () => {
  await holder?.query('ROLLBACK').catch(() => undefined);
  await holder?.end();
  await Promise.all(open.map((db) => db.close().catch(() => undefined)));
});

function stuckPool(max = 1) {
  const db = new Database(url, { max, queryTimeoutMs: 700, connectionTimeoutMs: 500, statementTimeoutMs: 120_000 });
  open.push(db);
  return db;
}

async function timed<T>(work: Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await work.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  return { error, ms: performance.now() - started };
}

describe('bounded waits on a stuck database', () => {
  it('every pool has a connection, statement and client-side query timeout by default', () => {
    const db = new Database(url);
    open.push(db);
    const options = db.pool.options as unknown as Record<string, unknown>;
    expect(options.connectionTimeoutMillis).toBeGreaterThan(0);
    expect(options.statement_timeout).toBeGreaterThan(0);
    expect(options.query_timeout).toBeGreaterThan(0);
    expect(options.query_timeout as number).toBeLessThanOrEqual(10_000);
  });

  it('a query without an answer fails after the query timeout and becomes a 503 problem', async () => {
    const db = stuckPool();
    const { error, ms } = await timed(db.query('SELECT * FROM stuck'));
    expect(error).toBeInstanceOf(Error);
    expect(ms).toBeLessThan(3000);
    expect(isUnavailableError(error)).toBe(true);
    const problem = toProblem(error);
    expect(problem.status).toBe(503);
    expect(problem.headers['retry-after']).toBeDefined();
  });

  it('waiting for a pooled connection is bounded too', async () => {
    const db = stuckPool(1);
    const first = db.query('SELECT * FROM stuck').catch((error: unknown) => error);
    const { error, ms } = await timed(db.query('SELECT 1'));
    expect(ms).toBeLessThan(3000);
    expect(toProblem(error).status).toBe(503);
    expect(toProblem(await first).status).toBe(503);
  });

  it('a transaction that timed out does not hand its still-waiting connection back to the pool', async () => {
    const db = stuckPool(1);
    const { error } = await timed(db.tx((tx) => tx.query('SELECT * FROM stuck')));
    expect(toProblem(error).status).toBe(503);
    // The only slot is free again and a fresh connection answers at once (the old one still waits on the lock).
    const started = performance.now();
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a statement PostgreSQL cancels (statement_timeout, lock_timeout) is a 503 as well', async () => {
    const db = new Database(url, { max: 1, statementTimeoutMs: 300, queryTimeoutMs: 5000 });
    open.push(db);
    const { error, ms } = await timed(db.query('SELECT * FROM stuck'));
    expect((error as { code?: string }).code).toBe('57014');
    expect(ms).toBeLessThan(3000);
    expect(toProblem(error).status).toBe(503);
  });

  it('a route reading a stuck table answers a 503 problem with Retry-After within seconds', async () => {
    const db = stuckPool(2);
    const app = await createHttpApp({
      logger: createLogger({ service: 'test', level: 'silent' }),
      bodyLimit: 1024,
      metrics: createMetrics('stuck'),
      readiness: new Readiness({}),
      verifier: new TokenVerifier(new JwksKeySource(await testJwksUrl()), { issuer: 'x', audience: 'y' }),
      openapi: { title: 'Test', description: 'test', version: '1' },
    });
    app.get('/rows', async () => (await db.query('SELECT * FROM stuck')).rows);
    try {
      const started = performance.now();
      const response = await app.inject({ url: '/rows' });
      expect(performance.now() - started).toBeLessThan(3000);
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers['retry-after']).toBeDefined();
      expect(response.body).not.toContain('stuck');
    } finally {
      await app.close();
    }
  });

  it('migrations are not held to request-sized bounds (a long schema change, waiting for another replica)', async () => {
    const db = new Database(await freshDatabase(), { max: 2, statementTimeoutMs: 200, queryTimeoutMs: 300 });
    open.push(db);
    const slow = { id: '0001_slow', up: 'SELECT pg_sleep(0.6); CREATE TABLE slow (id int)', down: 'DROP TABLE slow' };
    expect(await migrate(db, { service: 'slowpoke', migrations: [slow] })).toEqual(['0001_slow']);
    // The pool's own bounds still hold for everything else.
    await expect(db.query('SELECT pg_sleep(0.6)')).rejects.toThrow();
  });
});
