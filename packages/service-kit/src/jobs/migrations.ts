import PgBoss from 'pg-boss';
import type { Migration } from '../db/migrations.js';

/** How a queue retries a failed job (pg-boss queue options; the delay doubles with each retry). */
export interface QueueOptions {
  retryLimit?: number;
  retryDelaySeconds?: number;
}

const NAME = /^[a-z][a-z0-9_]*$/;

function createQueues(schema: string, queues: Record<string, QueueOptions>): string {
  return Object.entries(queues)
    .map(([name, options]) => {
      const policy = JSON.stringify({
        policy: 'standard',
        retryLimit: options.retryLimit ?? 10,
        retryDelay: options.retryDelaySeconds ?? 30,
        retryBackoff: true,
      });
      return `SELECT ${schema}.create_queue('${name.replaceAll("'", "''")}', '${policy}'::json);`;
    })
    .join('\n');
}

/**
 * The migration that gives a service its job queue: pg-boss's tables in their own `schema` of the service's
 * database, and its `queues`. pg-boss's construction plan wraps itself in BEGIN/COMMIT; the migrator already runs
 * every migration in a transaction, so those are dropped.
 */
export function jobSchemaMigration(id: string, schema: string, queues: Record<string, QueueOptions>): Migration {
  if (!NAME.test(schema)) throw new Error(`invalid job schema name: ${schema}`);
  const plan = PgBoss.getConstructionPlans(schema)
    .trim()
    .replace(/^BEGIN;/, '')
    .replace(/COMMIT;$/, '');
  return { id, up: `${plan};\n${createQueues(schema, queues)}`, down: `DROP SCHEMA ${schema} CASCADE;` };
}
