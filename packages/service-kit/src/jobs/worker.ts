import PgBoss from 'pg-boss';
import { boundedPoolOptions, type Queryable } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { Worker } from '../runtime/service.js';
import { type JobScheduler, PgBossScheduler } from './scheduler.js';

/** Runs one job's data; a throw fails the job, and its queue retries it (see `QueueOptions`). */
export type JobHandler = (data: never) => Promise<unknown>;

export interface JobsOptions {
  /** The service's own database (its DATABASE_URL). */
  connectionString: string;
  /** The schema made by `jobSchemaMigration`. */
  schema: string;
  /** Names the connections (`<service>-service-jobs`). */
  service: string;
  logger: Logger;
  /** pg-boss's own pool; scheduling uses the caller's transaction, not this pool. */
  poolMax?: number;
}

export interface JobWork {
  /** One handler per queue this instance works. */
  handlers: Record<string, JobHandler>;
  /** Cron schedules (`{ queue: '17 3 * * *' }`): one job per tick across all instances. Others are removed. */
  cron?: Record<string, string>;
  pollingIntervalSeconds?: number;
  batchSize?: number;
  /** Worker loops per queue in this instance (default 1): a slow job then holds up only its own loop. */
  concurrency?: number;
}

/**
 * Durable jobs on the service's own PostgreSQL (pg-boss): `scheduler(tx)` plans jobs inside a transaction (put it in
 * the unit of work's stores), `worker(...)` is the part that works the queues; return it in `workers`.
 */
export class DurableJobs {
  private readonly boss: PgBoss;

  constructor(private readonly options: JobsOptions) {
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema,
      max: options.poolMax ?? 3,
      application_name: `${options.service}-service-jobs`,
      // Same bounded waits as the service's own pool: a stuck database fails job polls instead of hanging them.
      ...boundedPoolOptions(),
    });
    this.boss.on('error', (error) => options.logger.warn({ err: error }, 'job queue error'));
  }

  scheduler(tx: Queryable): JobScheduler {
    return new PgBossScheduler(this.boss, tx);
  }

  worker(work: JobWork): Worker {
    const { boss } = this;
    const { logger } = this.options;
    const options = { pollingIntervalSeconds: work.pollingIntervalSeconds ?? 2, batchSize: work.batchSize ?? 5 };
    let started: Promise<void> | undefined;
    return {
      start() {
        started = (async () => {
          await boss.start();
          for (const [queue, handler] of Object.entries(work.handlers))
            for (let loop = 0; loop < (work.concurrency ?? 1); loop++)
              await boss.work(queue, options, async (jobs) => {
                for (const job of jobs) await handler(job.data as never);
              });
          const cron = work.cron ?? {};
          // A schedule dropped from the code must stop firing: nobody works its queue any more.
          for (const schedule of await boss.getSchedules())
            if (!(schedule.name in cron)) await boss.unschedule(schedule.name);
          for (const [queue, expression] of Object.entries(cron)) await boss.schedule(queue, expression);
        })().catch((error: unknown) => logger.error({ err: error }, 'job workers failed to start'));
      },
      async stop() {
        await started;
        await boss.stop({ graceful: true, wait: true, timeout: 5000 });
      },
    };
  }
}
