import { randomBytes } from 'node:crypto';
import type { EventData, EventDefinition, EventEnvelope } from '@diaspora/events';
import { WebhookDisabled } from '@diaspora/events';
import { newId, problems } from '@diaspora/service-kit';
import { Webhook } from 'standardwebhooks';
import type { Delivery, WebhookSubscription } from './model.js';
import type { Clock, IntegrationStore, JobPlanner, Page, TargetPolicy, Vault, WebhookSender } from './ports.js';
import { validateSubjectPatterns, wants } from './subjects.js';

/** Seconds to wait before each retry (Standard Webhooks' usual schedule): the last one lands ~27 h after the event. */
export const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
export const ATTEMPT_QUEUE = 'webhook_attempt';
const DEFER_MS = 2000;

export interface AttemptJob {
  deliveryId: string;
  /** The attempt this job makes (1-based over the delivery's whole log): a stale job finds a longer log and stops. */
  attempt: number;
}

export type Publish = <D extends EventDefinition>(definition: D, data: EventData<D>) => Promise<void>;

export interface SubscriptionView {
  id: string;
  url: string;
  events: string[];
  status: 'active' | 'disabled';
  createdAt: string;
  consecutiveFailures: number;
  lastSuccessAt?: string;
  disabledAt?: string;
}

const view = (s: WebhookSubscription): SubscriptionView => ({
  id: s.id,
  url: s.url,
  events: s.events,
  status: s.status,
  createdAt: s.createdAt.toISOString(),
  consecutiveFailures: s.consecutiveFailures,
  ...(s.lastSuccessAt ? { lastSuccessAt: s.lastSuccessAt.toISOString() } : {}),
  ...(s.disabledAt ? { disabledAt: s.disabledAt.toISOString() } : {}),
});

export const deliveryView = (d: Delivery) => ({
  id: d.id,
  eventId: d.eventId,
  subject: d.subject,
  status: d.status,
  createdAt: d.createdAt.toISOString(),
  ...(d.nextAttemptAt && d.status === 'pending' ? { nextAttemptAt: d.nextAttemptAt.toISOString() } : {}),
  attempts: d.attempts.map((a) => ({
    at: a.at.toISOString(),
    outcome: a.outcome,
    durationMs: a.durationMs,
    ...(a.statusCode !== undefined ? { statusCode: a.statusCode } : {}),
    ...(a.detail ? { detail: a.detail } : {}),
  })),
});

/**
 * Outbound webhooks: super users subscribe URLs to event subjects; every matching event becomes a delivery,
 * attempted by a durable job, signed the Standard Webhooks way, retried on the schedule above, logged, and
 * replayable. A subscription whose delivery used up a day of retries with no success since is disabled.
 */
export class Webhooks {
  constructor(
    private readonly deps: {
      store: IntegrationStore;
      vault: Vault;
      policy: TargetPolicy;
      sender: WebhookSender;
      jobs: JobPlanner;
      publish: Publish;
      clock: Clock;
      /** Failed attempts in a row (with no success since the failing delivery) that disable a subscription. */
      disableAfterFailures: number;
      /** Attempts at once to one subscription in this instance; more wait, so a slow target keeps to its share. */
      perTargetConcurrency: number;
    },
  ) {}

  private readonly inFlight = new Map<string, number>();

  async subscribe(createdBy: string, input: { url: string; events: string[] }) {
    const events = validateSubjectPatterns(input.events);
    await this.deps.policy.assertAllowed(input.url);
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const subscription: WebhookSubscription = {
      id: newId('whk'),
      url: input.url,
      events,
      secret: this.deps.vault.seal(secret),
      status: 'active',
      createdBy,
      createdAt: this.deps.clock(),
      consecutiveFailures: 0,
    };
    await this.deps.store.webhooks.create(subscription);
    // The only time the secret leaves the service: the receiver keeps it to verify signatures.
    return { ...view(subscription), secret };
  }

  async list() {
    return { items: (await this.deps.store.webhooks.list()).map(view) };
  }

  async remove(id: string) {
    if (!(await this.deps.store.webhooks.delete(id))) throw problems.notFound('webhook subscription');
  }

  async enable(id: string) {
    await this.subscription(id);
    await this.deps.store.webhooks.setStatus(id, 'active', this.deps.clock());
    return view(await this.subscription(id));
  }

  async deliveries(id: string, limit: number, after?: { at: Date; id: string }): Promise<Page<Delivery>> {
    await this.subscription(id);
    return this.deps.store.deliveries.list(id, limit, after);
  }

  /** Sends a delivery again now, whatever became of it, with a fresh timestamp and signature over the same body. */
  async replay(id: string, deliveryId: string) {
    const subscription = await this.subscription(id);
    if (subscription.status !== 'active')
      throw problems.conflict('The subscription is disabled; enable it before replaying deliveries.');
    const delivery = await this.deps.store.deliveries.get(deliveryId);
    if (!delivery || delivery.subscriptionId !== id) throw problems.notFound('delivery');
    const now = this.deps.clock();
    await this.deps.store.deliveries.restart(deliveryId, now);
    // Its own job key: an older retry of the same attempt number may still be planned; whichever runs first
    // makes the attempt and the other finds the log moved on.
    await this.plan(delivery.id, delivery.attempts.length + 1, now, `replay-${now.getTime()}`);
    return deliveryView({ ...delivery, status: 'pending', runAttempts: 0, nextAttemptAt: now });
  }

  /** One event on the bus: a delivery per active subscription that wants its subject. */
  async fanOut(envelope: EventEnvelope): Promise<number> {
    const subscriptions = (await this.deps.store.webhooks.active()).filter((s) => wants(s.events, envelope.subject));
    const now = this.deps.clock();
    const payload = JSON.stringify(envelope);
    for (const subscription of subscriptions) {
      const { delivery } = await this.deps.store.deliveries.createOnce({
        id: newId('whd'),
        subscriptionId: subscription.id,
        eventId: envelope.id,
        subject: envelope.subject,
        payload,
        status: 'pending',
        attempts: [],
        runAttempts: 0,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      });
      // Planned again on a redelivered event too: the job key keeps it one job.
      if (delivery.status === 'pending' && delivery.attempts.length === 0) await this.plan(delivery.id, 1, now);
    }
    return subscriptions.length;
  }

  /** The job: one attempt, then the next one planned, or the delivery given up. */
  async attempt(job: AttemptJob): Promise<void> {
    const { store, clock } = this.deps;
    const delivery = await store.deliveries.get(job.deliveryId);
    if (delivery?.status !== 'pending' || delivery.attempts.length + 1 !== job.attempt) return;
    const subscription = await store.webhooks.get(delivery.subscriptionId);
    const started = clock();
    if (subscription?.status !== 'active') {
      const outcome = subscription ? 'subscription-disabled' : 'subscription-deleted';
      await store.deliveries.recordAttempt(
        delivery.id,
        { at: started, outcome, durationMs: 0 },
        { status: 'canceled', runAttempts: delivery.runAttempts },
      );
      return;
    }
    const busy = this.inFlight.get(subscription.id) ?? 0;
    if (busy >= this.deps.perTargetConcurrency) {
      // Not an attempt: the same attempt is planned again shortly, leaving the worker loops to other targets.
      const later = new Date(started.getTime() + DEFER_MS);
      await this.plan(
        delivery.id,
        job.attempt,
        later,
        `deferred-${started.getTime()}-${randomBytes(3).toString('hex')}`,
      );
      return;
    }
    this.inFlight.set(subscription.id, busy + 1);
    try {
      await this.send(delivery, subscription, job, started);
    } finally {
      const left = (this.inFlight.get(subscription.id) ?? 1) - 1;
      if (left > 0) this.inFlight.set(subscription.id, left);
      else this.inFlight.delete(subscription.id);
    }
  }

  private async send(delivery: Delivery, subscription: WebhookSubscription, job: AttemptJob, started: Date) {
    const { store, clock } = this.deps;
    const secret = this.deps.vault.open(subscription.secret);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Diaspora-Webhooks/1.0',
      'webhook-id': delivery.eventId,
      'webhook-timestamp': String(Math.floor(started.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(delivery.eventId, started, delivery.payload),
    };
    const response = await this.deps.sender.send({ url: subscription.url, headers, body: delivery.payload });
    const attempt = { at: started, ...response };
    const runAttempts = delivery.runAttempts + 1;
    const success = response.outcome === 'ok';
    const updated = await store.webhooks.recordOutcome(subscription.id, success, started);
    if (success) {
      await store.deliveries.recordAttempt(delivery.id, attempt, { status: 'succeeded', runAttempts });
      return;
    }
    const delaySeconds = RETRY_SCHEDULE_SECONDS[runAttempts - 1];
    if (delaySeconds !== undefined) {
      const nextAttemptAt = new Date(clock().getTime() + delaySeconds * 1000);
      await store.deliveries.recordAttempt(delivery.id, attempt, { status: 'pending', runAttempts, nextAttemptAt });
      await this.plan(delivery.id, job.attempt + 1, nextAttemptAt);
      return;
    }
    await store.deliveries.recordAttempt(delivery.id, attempt, { status: 'failed', runAttempts });
    if (updated) await this.maybeDisable(updated, delivery);
  }

  private async maybeDisable(subscription: WebhookSubscription, exhausted: Delivery) {
    const noSuccessSince = !subscription.lastSuccessAt || subscription.lastSuccessAt < exhausted.createdAt;
    if (subscription.consecutiveFailures < this.deps.disableAfterFailures || !noSuccessSince) return;
    const at = this.deps.clock();
    await this.deps.store.webhooks.setStatus(subscription.id, 'disabled', at);
    await this.deps.publish(WebhookDisabled, {
      subscriptionId: subscription.id,
      url: subscription.url,
      createdBy: subscription.createdBy,
      consecutiveFailures: subscription.consecutiveFailures,
      disabledAt: at.toISOString(),
    });
  }

  private plan(deliveryId: string, attempt: number, runAt: Date, run = 'auto') {
    const job: AttemptJob = { deliveryId, attempt };
    return this.deps.jobs.schedule(ATTEMPT_QUEUE, job, { key: `${deliveryId}:${run}:${attempt}`, runAt });
  }

  private async subscription(id: string) {
    const subscription = await this.deps.store.webhooks.get(id);
    if (!subscription) throw problems.notFound('webhook subscription');
    return subscription;
  }
}
