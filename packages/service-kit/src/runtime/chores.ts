import type { Database } from '../db/database.js';
import type { Migration } from '../db/migrations.js';
import { idempotencyMigrations, purgeExpiredIdempotencyKeys } from '../http/idempotency.js';

/**
 * A periodic chore: runs in every instance, first at start and then every `intervalMs` (a failed run is logged
 * and retried after the interval). Chores must be safe to run concurrently from several instances; work that must
 * happen once at a given time is a durable job (`@diaspora/service-kit/jobs`).
 */
export interface Chore {
  name: string;
  intervalMs: number;
  run(): Promise<unknown>;
}

export function every(name: string, intervalMs: number, run: () => Promise<unknown>): Chore {
  return { name, intervalMs, run };
}

const HOUR = 3_600_000;

/** The chores the kit adds by itself: the idempotency-key purge wherever the idempotency tables exist. */
export function kitChores(db: Database, migrations: Migration[]): Chore[] {
  const idempotency = idempotencyMigrations.every((kit) => migrations.some((m) => m.id === kit.id));
  return idempotency ? [every('idempotency-key purge', HOUR, () => purgeExpiredIdempotencyKeys(db))] : [];
}
