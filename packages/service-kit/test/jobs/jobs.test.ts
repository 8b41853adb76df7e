import { freshDatabase, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrations.js';
import { DurableJobs, jobSchemaMigration } from '../../src/jobs/index.js';
import { createLogger } from '../../src/logger.js';
import type { Worker } from '../../src/runtime/service.js';

const SCHEMA = 'demo_jobs';
let db: Database;
let jobs: DurableJobs;
let worker: Worker;
const handled: string[] = [];

beforeAll(async () => {
  const url = await freshDatabase();
  db = new Database(url);
  await migrate(db, { service: 'demo', migrations: [jobSchemaMigration('0001_jobs', SCHEMA, { ping: {} })] });
  jobs = new DurableJobs({
    connectionString: url,
    schema: SCHEMA,
    service: 'demo',
    logger: createLogger({ service: 'demo', level: 'silent' }),
  });
  worker = jobs.worker({
    handlers: { ping: async (data: { label: string }) => void handled.push(data.label) },
    pollingIntervalSeconds: 0.5,
  });
  worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await db?.close();
});

const count = async (label: string) =>
  (await db.query(`SELECT 1 FROM ${SCHEMA}.job WHERE name = 'ping' AND data->>'label' = $1`, [label])).rows.length;

describe('durable jobs (pg-boss on the service database)', () => {
  it('plans a job only when its transaction commits, once per key, and runs it when due', async () => {
    const runAt = new Date();
    await expect(
      db.tx(async (tx) => {
        await jobs.scheduler(tx).schedule('ping', { label: 'rolled-back' }, { key: 'a', runAt });
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    expect(await count('rolled-back')).toBe(0);

    await db.tx((tx) => jobs.scheduler(tx).schedule('ping', { label: 'kept' }, { key: 'b', runAt }));
    await db.tx((tx) => jobs.scheduler(tx).schedule('ping', { label: 'kept' }, { key: 'b', runAt }));
    expect(await count('kept')).toBe(1);

    await until(() => handled.includes('kept'), { timeoutMs: 15_000 });
    expect(handled).toEqual(['kept']);
  }, 20_000);

  it('keeps a job planned for later until it is due', async () => {
    await db.tx((tx) =>
      jobs.scheduler(tx).schedule('ping', { label: 'later' }, { key: 'c', runAt: new Date(Date.now() + 3_600_000) }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await count('later')).toBe(1);
    expect(handled).not.toContain('later');
  });
});
