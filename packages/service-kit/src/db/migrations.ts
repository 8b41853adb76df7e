import type { QueryConfig } from 'pg';
import type { Logger } from '../logger.js';
import type { Database } from './database.js';

/** One schema change of one service. `id` orders and identifies it; never edit one that has shipped. */
export interface Migration {
  id: string;
  up: string;
  down: string;
}

export interface MigrateOptions {
  /** The owning service: its migrations are tracked in `<service>_migrations`, apart from any other service. */
  service: string;
  migrations: Migration[];
  direction?: 'up' | 'down';
  /** For `down`: how many of the most recent migrations to revert (default 1). */
  steps?: number;
  logger?: Logger;
}

/** Client-side bound of one migration statement (or of the wait for another replica's run). */
const MIGRATION_TIMEOUT_MS = 6 * 3_600_000;

export async function migrate(db: Database, options: MigrateOptions): Promise<string[]> {
  const { service, migrations, direction = 'up', steps = 1, logger } = options;
  if (!/^[a-z][a-z0-9_]*$/.test(service)) throw new Error(`invalid service name for migrations: ${service}`);
  const ids = migrations.map((migration) => migration.id);
  if (new Set(ids).size !== ids.length) throw new Error(`${service}: duplicate migration ids`);
  const table = `${service}_migrations`;
  const client = await db.pool.connect();
  // Schema changes (an index on a big table) and waiting for another replica's migrations may take minutes: the
  // pool's request-sized bounds do not apply here. The session setting leaves with the connection (destroyed below).
  const query = (text: string, values?: unknown[]) =>
    // node-postgres honours a per-query query_timeout; its types do not list it.
    client.query({ text, ...(values ? { values } : {}), query_timeout: MIGRATION_TIMEOUT_MS } as QueryConfig);
  try {
    await query('SET statement_timeout = 0');
    // Replicas booting together must not race each other through the same migrations.
    await query('SELECT pg_advisory_lock(hashtext($1))', [table]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY applied_at, id`);
    const applied = rows.map((row) => row.id);
    const byId = new Map(migrations.map((migration) => [migration.id, migration]));
    const plan =
      direction === 'up'
        ? migrations.filter((migration) => !applied.includes(migration.id))
        : applied
            .slice(-steps)
            .reverse()
            .map((id) => {
              const migration = byId.get(id);
              if (!migration) throw new Error(`${service}: applied migration ${id} is unknown to this build`);
              return migration;
            });
    for (const migration of plan) {
      await client.query('BEGIN');
      try {
        await query(direction === 'up' ? migration.up : migration.down);
        if (direction === 'up') await client.query(`INSERT INTO ${table} (id) VALUES ($1)`, [migration.id]);
        else await client.query(`DELETE FROM ${table} WHERE id = $1`, [migration.id]);
        await client.query('COMMIT');
        logger?.info({ migration: migration.id, direction }, 'migration applied');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`${service}: migration ${migration.id} (${direction}) failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    return plan.map((migration) => migration.id);
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [table]).catch(() => undefined);
    client.release(true);
  }
}
