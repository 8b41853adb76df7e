import { type EventEnvelope, SubscriptionActivated, SubscriptionCanceled } from '@diaspora/events';
import { buildEnvelope, encodeEnvelope } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, outboxEvents, register, startUserService, type UserTestService } from '../fixtures.js';

let service: UserTestService;
beforeAll(async () => {
  service = await startUserService();
});
afterAll(() => service?.close());

const subscription = (userId: string, subscriptionId: string, at: string) => ({
  subscriptionId,
  userId,
  plan: 'premium-monthly',
  provider: 'stripe' as const,
  at,
});

/** Publishes like a relay would; a different message id gets past the bus dedup, like a late republish. */
async function deliver(envelope: EventEnvelope, messageId = envelope.id) {
  await service.context.bus.publish({ id: messageId, subject: envelope.subject, data: encodeEnvelope(envelope) });
}

const tierOf = async (userId: string) =>
  (await service.context.db.query('SELECT tier, roles FROM users WHERE id = $1', [userId])).rows[0] as {
    tier: string;
    roles: string[];
  };
const processed = async (eventId: string) =>
  (await service.context.db.query('SELECT 1 FROM processed_events WHERE event_id = $1', [eventId])).rowCount === 1;

describe('tier from payments.subscription.* events', () => {
  it('activated → premium (role and token at the next refresh); canceled → free; each change published once', async () => {
    const member = await register(service.app);
    const activated = buildEnvelope(
      'payment',
      SubscriptionActivated,
      subscription(member.user.id, 'sub_1', '2026-01-01T00:00:00Z'),
    );
    await deliver(activated);
    await deliver(activated, `${activated.id}-republished`); // redelivered: exactly-once effect
    await until(async () => ((await tierOf(member.user.id)).tier === 'premium' ? true : undefined));
    expect((await tierOf(member.user.id)).roles).toEqual(['premium']);
    const refreshed = await call(service.app, 'POST', '/auth/refresh', undefined, {
      refreshToken: member.refreshToken,
    });
    expect(decodeJwt(refreshed.json().accessToken)).toMatchObject({ tier: 'premium', roles: ['premium'] });

    await deliver(
      buildEnvelope('payment', SubscriptionCanceled, subscription(member.user.id, 'sub_1', '2026-02-01T00:00:00Z')),
    );
    await until(async () => ((await tierOf(member.user.id)).tier === 'free' ? true : undefined));
    const changes = (await outboxEvents<{ userId: string; tier: string }>(service, 'users.tier.changed')).filter(
      (event) => event.userId === member.user.id,
    );
    expect(changes.map((change) => change.tier)).toEqual(['premium', 'free']);
  });

  it('ignores an older event delivered late, and stays premium while another subscription is active', async () => {
    const member = await register(service.app);
    const canceled = buildEnvelope(
      'payment',
      SubscriptionCanceled,
      subscription(member.user.id, 'sub_a', '2026-03-02T00:00:00Z'),
    );
    const late = buildEnvelope(
      'payment',
      SubscriptionActivated,
      subscription(member.user.id, 'sub_a', '2026-03-01T00:00:00Z'),
    );
    // Activations and cancellations are different subjects, consumed independently: whatever order they are
    // handled in, the outcome is the same. Wait for all of them before looking.
    const allProcessed = (ids: string[]) =>
      until(async () => ((await Promise.all(ids.map(processed))).every(Boolean) ? true : undefined));
    await deliver(canceled);
    await deliver(late);
    await allProcessed([canceled.id, late.id]);
    expect((await tierOf(member.user.id)).tier).toBe('free');

    const more = [
      buildEnvelope('payment', SubscriptionActivated, subscription(member.user.id, 'sub_b', '2026-03-03T00:00:00Z')),
      buildEnvelope('payment', SubscriptionActivated, subscription(member.user.id, 'sub_c', '2026-03-03T00:00:00Z')),
      buildEnvelope('payment', SubscriptionCanceled, subscription(member.user.id, 'sub_b', '2026-03-04T00:00:00Z')),
    ];
    for (const event of more) await deliver(event);
    await allProcessed(more.map((event) => event.id));
    expect((await tierOf(member.user.id)).tier).toBe('premium');
  });

  it('drops events for unknown members without failing the consumer', async () => {
    const event = buildEnvelope(
      'payment',
      SubscriptionActivated,
      subscription('usr_00000000000000000000000000', 'sub_x', '2026-01-01T00:00:00Z'),
    );
    await deliver(event);
    await until(async () => ((await processed(event.id)) ? true : undefined));
  });
});
