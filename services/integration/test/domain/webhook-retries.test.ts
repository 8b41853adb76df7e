import { WebhookDisabled } from '@diaspora/events';
import { Database, kitMigrations, migrate } from '@diaspora/service-kit';
import { freshDatabase, until } from '@diaspora/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeVault } from '../../src/adapters/vault.js';
import type { JobPlanner, TargetPolicy, WebhookRequest, WebhookResponse } from '../../src/domain/ports.js';
import { ATTEMPT_QUEUE, type AttemptJob, RETRY_SCHEDULE_SECONDS, Webhooks } from '../../src/domain/webhooks.js';
import { migrations } from '../../src/store/migrations.js';
import { PostgresIntegrationStore } from '../../src/store/postgres.js';

/** Jobs planned, run by hand at their time on the controlled clock. */
class ManualJobs implements JobPlanner {
  planned: { data: AttemptJob; key: string; runAt: Date }[] = [];
  async schedule(queue: string, data: object, options: { key: string; runAt: Date }) {
    expect(queue).toBe(ATTEMPT_QUEUE);
    if (!this.planned.some((job) => job.key === options.key))
      this.planned.push({ data: data as AttemptJob, ...options });
  }
  take() {
    return this.planned.shift();
  }
}

describe('webhook retries on a controlled clock', () => {
  let db: Database;
  let now: Date;
  let jobs: ManualJobs;
  let answers: WebhookResponse[];
  let sent: WebhookRequest[];
  let published: { subject: string; data: unknown }[];
  let webhooks: Webhooks;
  let store: PostgresIntegrationStore;
  const allowAll: TargetPolicy = { assertAllowed: async () => {} };

  beforeAll(async () => {
    db = new Database(await freshDatabase());
    await migrate(db, { service: 'integration', migrations: [...kitMigrations, ...migrations] });
    store = new PostgresIntegrationStore(db);
  });
  afterAll(async () => db?.close());

  let gate: Promise<void> | undefined;
  const setup = async (disableAfterFailures = 8) => {
    gate = undefined;
    for (const subscription of await store.webhooks.list()) await store.webhooks.delete(subscription.id);
    now = new Date('2026-03-01T10:00:00Z');
    jobs = new ManualJobs();
    answers = [];
    sent = [];
    published = [];
    webhooks = new Webhooks({
      store,
      vault: new EnvelopeVault('k'.repeat(40)),
      policy: allowAll,
      sender: {
        send: async (request) => {
          sent.push(request);
          if (gate && request.url.includes('slow')) await gate;
          return answers.shift() ?? { outcome: 'http-500', statusCode: 500, durationMs: 3 };
        },
      },
      jobs,
      publish: async (definition, data) => void published.push({ subject: definition.subject, data }),
      clock: () => now,
      disableAfterFailures,
      perTargetConcurrency: 2,
    });
  };

  const envelope = (id: string) => ({
    id,
    subject: 'users.user.verified',
    v: 1,
    occurredAt: now.toISOString(),
    source: 'user',
    data: { userId: 'usr_1', channel: 'email', verifiedAt: now.toISOString() },
  });

  /** Runs the next planned job at its time. */
  const runNext = async () => {
    const job = jobs.take();
    if (!job) throw new Error('no job planned');
    now = job.runAt;
    await webhooks.attempt(job.data);
    return job;
  };

  it('retries with exponential backoff for about a day, then gives up and disables a subscription that never succeeded', async () => {
    await setup();
    const { id, secret } = await webhooks.subscribe('usr_admin', {
      url: 'https://crm.example/hook',
      events: ['users.>'],
    });
    const start = now.getTime();
    expect(await webhooks.fanOut(envelope('evt_retry'))).toBe(1);
    // A redelivered event (at-least-once bus) makes no second delivery and no second job.
    await webhooks.fanOut(envelope('evt_retry'));
    expect(jobs.planned).toHaveLength(1);

    const runTimes: number[] = [];
    for (let i = 0; i <= RETRY_SCHEDULE_SECONDS.length; i++) runTimes.push((await runNext()).runAt.getTime() - start);
    expect(jobs.planned).toHaveLength(0);
    const gaps = runTimes.slice(1).map((t, i) => (t - runTimes[i]!) / 1000);
    expect(gaps).toEqual(RETRY_SCHEDULE_SECONDS);
    expect(gaps.every((gap, i) => i === 0 || gap >= gaps[i - 1]!)).toBe(true);
    const total = runTimes.at(-1)! / 3_600_000;
    expect(total).toBeGreaterThan(24);
    expect(total).toBeLessThan(30);

    // Every attempt was signed over the same body, with that attempt's timestamp.
    expect(sent).toHaveLength(RETRY_SCHEDULE_SECONDS.length + 1);
    // (verify() also checks the timestamp against the real clock, so the signature is recomputed here)
    for (const request of sent) {
      const at = new Date(Number(request.headers['webhook-timestamp']) * 1000);
      expect(request.headers['webhook-signature']).toBe(
        new Webhook(secret).sign(request.headers['webhook-id']!, at, request.body),
      );
    }
    expect(new Set(sent.map((r) => r.headers['webhook-timestamp'])).size).toBe(sent.length);

    const [delivery] = (await webhooks.deliveries(id, 10)).items;
    expect(delivery).toMatchObject({ status: 'failed', runAttempts: 8 });
    expect(delivery!.attempts.map((a) => a.outcome)).toEqual(Array(8).fill('http-500'));
    const subscription = await store.webhooks.get(id);
    expect(subscription).toMatchObject({ status: 'disabled', consecutiveFailures: 8 });
    expect(published).toEqual([
      { subject: WebhookDisabled.subject, data: expect.objectContaining({ subscriptionId: id }) },
    ]);

    // A disabled subscription gets no new deliveries and refuses replays until enabled.
    expect(await webhooks.fanOut(envelope('evt_after'))).toBe(0);
    await expect(webhooks.replay(id, delivery!.id)).rejects.toMatchObject({ status: 409 });
    await webhooks.enable(id);
    answers.push({ outcome: 'ok', statusCode: 204, durationMs: 2 });
    await webhooks.replay(id, delivery!.id);
    await runNext();
    expect((await store.deliveries.get(delivery!.id))!.status).toBe('succeeded');
    expect(await store.webhooks.get(id)).toMatchObject({ status: 'active', consecutiveFailures: 0 });
  });

  it('a success resets the failure count: a flaky receiver is not disabled', async () => {
    await setup(3);
    const { id } = await webhooks.subscribe('usr_admin', {
      url: 'https://erp.example/hook',
      events: ['users.user.verified'],
    });
    await webhooks.fanOut(envelope('evt_flaky_1'));
    await runNext(); // fails
    answers.push({ outcome: 'ok', statusCode: 200, durationMs: 1 });
    await runNext(); // retry succeeds
    const [delivery] = (await webhooks.deliveries(id, 10)).items;
    expect(delivery).toMatchObject({ status: 'succeeded' });
    expect(delivery!.attempts.map((a) => a.outcome)).toEqual(['http-500', 'ok']);
    expect(await store.webhooks.get(id)).toMatchObject({ status: 'active', consecutiveFailures: 0 });
  });

  it('a stale job (its attempt already made) does nothing; a deleted subscription cancels its pending delivery', async () => {
    await setup();
    const { id } = await webhooks.subscribe('usr_admin', {
      url: 'https://db.example/hook',
      events: ['users.user.verified'],
    });
    await webhooks.fanOut(envelope('evt_stale'));
    const first = jobs.planned[0]!;
    await runNext();
    await webhooks.attempt(first.data); // the same job again (pg-boss retried it after a crash)
    const [delivery] = (await webhooks.deliveries(id, 10)).items;
    expect(delivery!.attempts).toHaveLength(1);
    await webhooks.remove(id);
    await runNext();
    expect(await store.deliveries.get(delivery!.id)).toBeUndefined();
  });
});

describe('fairness between targets', () => {
  it('a slow target gets at most its share of attempts at once; the others go on meanwhile', async () => {
    const db = new Database(await freshDatabase());
    await migrate(db, { service: 'integration', migrations: [...kitMigrations, ...migrations] });
    const store = new PostgresIntegrationStore(db);
    const jobs = new ManualJobs();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sent: string[] = [];
    const webhooks = new Webhooks({
      store,
      vault: new EnvelopeVault('f'.repeat(40)),
      policy: { assertAllowed: async () => {} },
      sender: {
        send: async (request) => {
          sent.push(request.url);
          if (request.url.includes('slow')) await gate;
          return { outcome: 'ok', statusCode: 200, durationMs: 1 };
        },
      },
      jobs,
      publish: async () => {},
      clock: () => new Date(),
      disableAfterFailures: 8,
      perTargetConcurrency: 2,
    });
    await webhooks.subscribe('usr_admin', { url: 'https://slow.example/hook', events: ['users.user.verified'] });
    const envelope = (id: string) => ({
      id,
      subject: 'users.user.verified',
      v: 1,
      occurredAt: '',
      source: 'user',
      data: {},
    });
    for (const id of ['evt_a', 'evt_b', 'evt_c']) await webhooks.fanOut(envelope(id));
    const slowJobs = jobs.planned.splice(0);
    const running = slowJobs.slice(0, 2).map((job) => webhooks.attempt(job.data));
    await until(() => sent.length === 2, { what: 'two attempts in flight' });
    await webhooks.attempt(slowJobs[2]!.data); // a third at once: deferred, not attempted
    expect(sent).toHaveLength(2);
    expect(jobs.planned).toEqual([
      expect.objectContaining({ data: slowJobs[2]!.data, key: expect.stringContaining('deferred') }),
    ]);
    jobs.planned.splice(0);

    const { id: fastId } = await webhooks.subscribe('usr_admin', {
      url: 'https://fast.example/hook',
      events: ['users.user.registered'],
    });
    await webhooks.fanOut({ ...envelope('evt_fast'), subject: 'users.user.registered' });
    await webhooks.attempt(jobs.planned.shift()!.data);
    expect((await webhooks.deliveries(fastId, 10)).items[0]).toMatchObject({ status: 'succeeded' });

    release();
    await Promise.all(running);
    await webhooks.attempt(slowJobs[2]!.data); // its turn now
    expect(sent.filter((url) => url.includes('slow'))).toHaveLength(3);
    await db.close();
  });
});
