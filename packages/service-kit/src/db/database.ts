import pg from 'pg';
import type { Logger } from '../logger.js';

export type Row = Record<string, unknown>;

/** What repositories need: the pool itself or a client inside a transaction. */
export interface Queryable {
  query<R extends Row = Row>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface DatabaseOptions {
  max?: number;
  applicationName?: string;
  logger?: Logger;
  /** Fail fast when PostgreSQL is down instead of queueing requests forever. */
  connectionTimeoutMs?: number;
  statementTimeoutMs?: number;
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

export class Database implements Queryable {
  readonly pool: pg.Pool;

  constructor(url: string, options: DatabaseOptions = {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      application_name: options.applicationName,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 3000,
      statement_timeout: options.statementTimeoutMs ?? 15_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle PostgreSQL client error'));
  }

  query<R extends Row = Row>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, params);
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
      try {
        await client.query(options.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}` : 'BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (error as { code?: string }).code;
        if (attempt < 4 && code && RETRYABLE.has(code)) continue;
        throw error;
      } finally {
        client.release();
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
