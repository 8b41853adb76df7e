import { SubscriptionActivated, SubscriptionCanceled } from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import type { Plan, ProviderName, ProviderSubscription, Scope, SubscriptionRecord } from './ports.js';

/**
 * A subscription's life, as premium sees it:
 *
 *   incomplete ──paid──▶ active ──payment fails──▶ past_due ──paid──▶ active
 *        │                 │ ▲                        │ grace over: premium revoked (still past_due)
 *        └────────────────▶└─┴──── deleted / unpaid ──┴──▶ canceled (terminal)
 *
 * `granted` says whether the member holds premium from it; activated/canceled are published exactly on its
 * changes, so duplicated or reordered webhooks can neither grant twice nor lose a grant. The state applied is the
 * provider's current one (re-fetched), never the order webhooks arrived in; and canceled is terminal, so a stale
 * "active" read or update cannot revive a deleted subscription.
 */
export async function applySubscriptionState(
  scope: Scope,
  input: {
    provider: ProviderName;
    state: ProviderSubscription;
    userId: string;
    plans: Map<string, Plan>;
    graceMs: number;
    now: Date;
  },
): Promise<SubscriptionRecord> {
  const { provider, state, userId, now } = input;
  const existing = await scope.subscriptions.find(provider, state.id, { forUpdate: true });
  if (existing?.status === 'canceled') return existing;
  const status = state.status;
  const pastDueSince = status === 'past_due' ? (existing?.pastDueSince ?? now) : null;
  const currentPeriodEnd = state.currentPeriodEnd ?? existing?.currentPeriodEnd ?? null;
  const cancelAtPeriodEnd = state.cancelAtPeriodEnd || (status === 'canceled' && Boolean(existing?.cancelAtPeriodEnd));
  // A member who canceled at period end keeps what they paid for even when the provider ends the subscription
  // at once (PayPal does): the chore revokes at currentPeriodEnd.
  const paidUntilLater =
    status === 'canceled' &&
    cancelAtPeriodEnd &&
    Boolean(existing?.granted) &&
    (currentPeriodEnd?.getTime() ?? 0) > now.getTime();
  const granted =
    status === 'active' ||
    paidUntilLater ||
    (status === 'past_due' && pastDueSince !== null && now.getTime() - pastDueSince.getTime() < input.graceMs);
  const record: SubscriptionRecord = {
    id: existing?.id ?? newId('sub'),
    provider,
    providerSubscriptionId: state.id,
    userId: existing?.userId ?? userId,
    plan: state.plan ?? existing?.plan ?? 'unknown',
    status,
    currentPeriodEnd,
    cancelAtPeriodEnd,
    pastDueSince,
    granted,
    updatedAt: now,
  };
  await scope.subscriptions.save(record);
  await publishGrantChange(scope, existing?.granted ?? false, record, input.plans, now);
  return record;
}

/** activated when premium starts, canceled when it ends; nothing when the grant did not change. */
async function publishGrantChange(
  scope: Scope,
  wasGranted: boolean,
  record: SubscriptionRecord,
  plans: Map<string, Plan>,
  now: Date,
): Promise<void> {
  if (wasGranted === record.granted) return;
  const plan = plans.get(record.plan);
  const data = {
    subscriptionId: record.id,
    userId: record.userId,
    plan: record.plan,
    provider: record.provider,
    ...(record.currentPeriodEnd ? { currentPeriodEnd: record.currentPeriodEnd.toISOString() } : {}),
    ...(plan ? { amountCents: plan.priceCents, currency: plan.currency } : {}),
    at: now.toISOString(),
  };
  await scope.publish(record.granted ? SubscriptionActivated : SubscriptionCanceled, data);
}

/**
 * The grace chore: past_due for longer than the grace, or canceled and past the paid period → the member
 * returns to free.
 */
export async function revokeAfterGrace(
  scope: Scope,
  input: { plans: Map<string, Plan>; graceMs: number; now: Date; batch: number },
): Promise<number> {
  const expired = await scope.subscriptions.graceExpired(
    new Date(input.now.getTime() - input.graceMs),
    input.now,
    input.batch,
  );
  for (const subscription of expired) {
    const revoked = { ...subscription, granted: false, updatedAt: input.now };
    await scope.subscriptions.save(revoked);
    await publishGrantChange(scope, true, revoked, input.plans, input.now);
  }
  return expired.length;
}
