import { createHash } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { Queryable } from '../db/database.js';

/**
 * Plans durable jobs. Built over a transaction's client (as a store of the unit of work), it writes the job in that
 * transaction: the job exists exactly when the change that needs it commits, and vanishes with a rollback.
 */
export interface JobScheduler {
  /**
   * Plans `data` on `queue` to run at `runAt`. `key` names the job: planning the same key again (a retried request,
   * a re-planned reminder) keeps the one job already there.
   */
  schedule(queue: string, data: object, options: { key: string; runAt: Date }): Promise<void>;
}

/** A UUID derived from a key: pg-boss inserts with ON CONFLICT DO NOTHING, so a re-planned job is not doubled. */
export function jobId(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** pg-boss `send` through our client (its `db` option) rather than its own pool. */
export class PgBossScheduler implements JobScheduler {
  constructor(
    private readonly boss: PgBoss,
    private readonly tx: Queryable,
  ) {}

  async schedule(queue: string, data: object, options: { key: string; runAt: Date }): Promise<void> {
    await this.boss.send(queue, data, {
      id: jobId(options.key),
      startAfter: options.runAt,
      db: { executeSql: (text: string, values: unknown[]) => this.tx.query(text, values) },
    });
  }
}
