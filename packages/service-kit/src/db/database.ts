import pg from 'pg';
import { isUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';

export type Row = Record<string, unknown>;

/** What repositories need: the pool itself or a client inside a transaction. */
export interface Queryable {
  query<R extends Row = Row>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /**
   * A named query (`{ name, text, values }`) is parsed and planned once per connection, then only executed: for
   * the hottest reads. A name stands for one text only.
   */
  query<R extends Row = Row>(query: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

export interface DatabaseOptions {
  max?: number;
  applicationName?: string;
  logger?: Logger;
  /** Fail fast when PostgreSQL is down or the pool is exhausted instead of queueing requests forever. */
  connectionTimeoutMs?: number;
  /** Server side: PostgreSQL cancels a statement running longer than this. */
  statementTimeoutMs?: number;
  /**
   * Client side: a query without an answer after this long fails even when the server cannot cancel it (a frozen
   * or unreachable PostgreSQL), so a stuck database turns into 503s instead of hung requests.
   */
  queryTimeoutMs?: number;
}

/** Bounded waits every pool gets unless a caller overrides them (DATABASE_*_TIMEOUT_MS in the base config). */
export const DATABASE_TIMEOUT_DEFAULTS = { connectionTimeoutMs: 3000, statementTimeoutMs: 5000, queryTimeoutMs: 6000 };

/** The node-postgres pool settings of those bounds, for pools the kit does not build itself (pg-boss). */
export function boundedPoolOptions(options: DatabaseOptions = {}) {
  const bounds = { ...DATABASE_TIMEOUT_DEFAULTS, ...definedOnly(options) };
  return {
    connectionTimeoutMillis: bounds.connectionTimeoutMs,
    statement_timeout: bounds.statementTimeoutMs,
    query_timeout: bounds.queryTimeoutMs,
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

export class Database implements Queryable {
  readonly pool: pg.Pool;

  constructor(url: string, options: DatabaseOptions = {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      application_name: options.applicationName,
      ...boundedPoolOptions(options),
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle PostgreSQL client error'));
    // Neither may a checked-out one between two queries (the pool drops its own listener while a client is out):
    // the server going away then fails that client's next query, which its caller sees as a 503.
    this.pool.on('connect', (client) =>
      client.on('error', (error) => options.logger?.warn({ err: error }, 'PostgreSQL connection lost')),
    );
  }

  query<R extends Row = Row>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  query<R extends Row = Row>(query: pg.QueryConfig): Promise<pg.QueryResult<R>>;
  query<R extends Row = Row>(query: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return typeof query === 'string' ? this.pool.query<R>(query, params) : this.pool.query<R>(query);
  }

  /**
   * Runs `work` in one transaction. Serialization failures and deadlocks are retried (`work` must therefore
   * only touch the database); any other error rolls back and propagates.
   */
  async tx<T>(
    work: (tx: pg.PoolClient) => Promise<T>,
    options: { isolation?: 'serializable' | 'repeatable read' } = {},
  ) {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query(options.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}` : 'BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A client whose query timed out may still be waiting on the server: it must not go back to the pool.
        broken = isUnavailableError(error);
        if (!broken) await client.query('ROLLBACK').catch(() => undefined);
        const code = (error as { code?: string }).code;
        if (attempt < 4 && code && RETRYABLE.has(code)) continue;
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
