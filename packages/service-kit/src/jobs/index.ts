/**
 * Durable jobs on the service's own PostgreSQL (pg-boss), as a subpath export so that only services using them
 * carry pg-boss:
 * - `jobSchemaMigration(id, schema, queues)` in the service's migrations;
 * - `new DurableJobs({...})`, whose `scheduler(tx)` goes in the unit of work's stores (a job commits with its
 *   change) and whose `worker({ handlers, cron })` goes in the setup's `workers`.
 * Periodic work that may run in every instance is a chore (`every`), not a job.
 */

export { jobSchemaMigration, type QueueOptions } from './migrations.js';
export { type JobScheduler, jobId, PgBossScheduler } from './scheduler.js';
export { DurableJobs, type JobHandler, type JobsOptions, type JobWork } from './worker.js';
