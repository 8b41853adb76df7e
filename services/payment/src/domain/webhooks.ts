import type { Logger } from '@diaspora/service-kit';
import { recordPayment } from './payments.js';
import type { PaymentProvider, Plan, ProviderSubscription, Scope, UnitOfWork, WebhookEvent } from './ports.js';
import { applySubscriptionState } from './subscriptions.js';

export type WebhookOutcome = 'processed' | 'duplicate' | 'ignored' | 'unknown_customer';

/**
 * Applies verified provider webhooks. Each event id is recorded once, in the transaction of its effects (a
 * replay changes nothing). Subscription state is re-read from the provider before the transaction, so arrival
 * order does not matter; if that read fails the delivery answers 503 and the provider retries it later.
 */
export class WebhookReceiver {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly deps: {
      providers: Map<string, PaymentProvider>;
      plans: Map<string, Plan>;
      graceMs: number;
      logger: Logger;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  async receive(event: WebhookEvent): Promise<WebhookOutcome> {
    const provider = this.deps.providers.get(event.provider);
    const { fact } = event;
    // Reads from the provider happen outside the transaction (no lock held over the network).
    let state: ProviderSubscription | null = null;
    if (provider && fact.kind === 'subscription-changed')
      state = fact.deleted ?? (await provider.fetchSubscription(fact.subscriptionId));
    if (provider && fact.kind === 'invoice-paid' && fact.subscriptionId)
      state = await provider.fetchSubscription(fact.subscriptionId);
    if (provider && fact.kind === 'checkout-completed' && fact.subscriptionId)
      state = await provider.fetchSubscription(fact.subscriptionId);

    const outcome = await this.uow.run(async (scope) => {
      const userId = await this.memberOf(scope, event, state);
      const result: WebhookOutcome = fact.kind === 'ignored' ? 'ignored' : userId ? 'processed' : 'unknown_customer';
      const fresh = await scope.webhooks.record({
        provider: event.provider,
        id: event.id,
        type: event.type,
        outcome: result,
        payload: event.payload,
      });
      if (!fresh) return 'duplicate';
      if (result !== 'processed' || !userId) return result;
      await this.apply(scope, event, state, userId);
      return result;
    });
    if (outcome === 'unknown_customer')
      this.deps.logger.warn(
        { provider: event.provider, eventId: event.id, type: event.type },
        'webhook for a customer this service does not know: stored, not applied',
      );
    return outcome;
  }

  /** The member: from the object's metadata (set on everything we create), else from the stored customer. */
  private async memberOf(scope: Scope, event: WebhookEvent, state: ProviderSubscription | null) {
    const { fact } = event;
    if (fact.kind === 'ignored') return null;
    const fromMetadata = state?.userId ?? (fact.kind === 'checkout-completed' ? fact.userId : null);
    const customerId = state?.customerId ?? ('customerId' in fact ? fact.customerId : null);
    const fromCustomer = customerId ? await scope.customers.userOf(event.provider, customerId) : null;
    if (fromCustomer) return fromCustomer;
    if (fromMetadata?.startsWith('usr_')) {
      if (customerId) await scope.customers.link(event.provider, customerId, fromMetadata);
      return fromMetadata;
    }
    return null;
  }

  private async apply(scope: Scope, event: WebhookEvent, state: ProviderSubscription | null, userId: string) {
    const { fact } = event;
    const now = this.now();
    const common = { provider: event.provider, userId, plans: this.deps.plans, graceMs: this.deps.graceMs, now };
    if (state) await applySubscriptionState(scope, { ...common, state });
    if (fact.kind === 'invoice-paid' && fact.amountCents > 0) {
      const subscription = state ? await scope.subscriptions.find(event.provider, state.id) : null;
      await recordPayment(scope, {
        provider: event.provider,
        providerRef: fact.invoiceId,
        userId,
        kind: 'subscription',
        amountCents: fact.amountCents,
        currency: fact.currency,
        subscriptionId: subscription?.id ?? null,
        invoiceUrl: fact.url,
        now,
      });
    }
    if (fact.kind === 'checkout-completed' && fact.purpose === 'ticket' && fact.paid && fact.eventId)
      await recordPayment(scope, {
        provider: event.provider,
        providerRef: fact.paymentRef ?? fact.sessionId,
        userId,
        kind: 'ticket',
        amountCents: fact.amountCents,
        currency: fact.currency,
        eventId: fact.eventId,
        now,
      });
  }
}
