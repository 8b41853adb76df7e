import { randomUUID } from 'node:crypto';
import { type CursorCodec, cursorBinding, positions, problems } from '@diaspora/service-kit';
import type {
  CheckoutSession,
  EventCatalog,
  InvoiceRecord,
  PaymentProvider,
  Plan,
  ProviderName,
  SubscriptionRecord,
  TransactionRecord,
  UnitOfWork,
} from './ports.js';
import { applySubscriptionState } from './subscriptions.js';

export interface SubscriptionView {
  status: 'active' | 'past_due' | 'canceled' | 'none';
  plan?: string;
  provider?: ProviderName;
  currentPeriodEnd?: string;
  cancelAtPeriodEnd: boolean;
}

const subscriptionView = (record: SubscriptionRecord | null): SubscriptionView =>
  !record || record.status === 'incomplete'
    ? { status: 'none', cancelAtPeriodEnd: false }
    : {
        status: record.status,
        plan: record.plan,
        provider: record.provider,
        ...(record.currentPeriodEnd ? { currentPeriodEnd: record.currentPeriodEnd.toISOString() } : {}),
        cancelAtPeriodEnd: record.cancelAtPeriodEnd,
      };

const transactionView = (t: TransactionRecord) => ({
  id: t.id,
  kind: t.kind,
  amountCents: t.amountCents,
  currency: t.currency,
  status: t.status,
  ...(t.eventId ? { eventId: t.eventId } : {}),
  ...(t.refundOf ? { refundOf: t.refundOf } : {}),
  createdAt: t.createdAt.toISOString(),
});

const invoiceView = (i: InvoiceRecord) => ({
  id: i.id,
  number: i.number,
  amountCents: i.amountCents,
  currency: i.currency,
  status: i.status,
  ...(i.url ? { url: i.url } : {}),
  transactionId: i.transactionId,
  createdAt: i.createdAt.toISOString(),
});

/** The member-facing use cases: plans, checkouts, their subscription, ledger and invoices. */
export class Billing {
  readonly plans: Map<string, Plan>;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly deps: {
      providers: Map<ProviderName, PaymentProvider>;
      plans: Plan[];
      catalog: EventCatalog;
      cursors: CursorCodec;
      graceMs: number;
    },
  ) {
    this.plans = new Map(deps.plans.map((plan) => [plan.id, plan]));
  }

  listPlans() {
    return {
      items: this.deps.plans.map(({ id, name, interval, priceCents, currency }) => ({
        id,
        name,
        interval,
        priceCents,
        currency,
      })),
    };
  }

  private provider(name: ProviderName): PaymentProvider {
    const provider = this.deps.providers.get(name);
    if (!provider) throw problems.badRequest(`Payments with ${name} are not available.`, 'provider-unavailable');
    return provider;
  }

  /** The member's customer at the provider, created on first need (stable idempotency key: one per member). */
  private async customerFor(provider: PaymentProvider, userId: string): Promise<string> {
    const known = await this.uow.read.customers.customerOf(userId, provider.name);
    if (known) return known;
    const customerId = await provider.createCustomer({ userId, idempotencyKey: userId });
    await this.uow.run((scope) => scope.customers.link(provider.name, customerId, userId));
    return (await this.uow.read.customers.customerOf(userId, provider.name)) ?? customerId;
  }

  async subscribe(
    userId: string,
    input: { plan: string; provider: ProviderName; idempotencyKey?: string | undefined },
  ) {
    const plan = this.plans.get(input.plan);
    if (!plan) throw problems.validation([{ field: 'plan', message: `unknown plan "${input.plan}"` }]);
    const provider = this.provider(input.provider);
    const current = await this.uow.read.subscriptions.currentFor(userId);
    if (current?.granted && !current.cancelAtPeriodEnd)
      throw problems.conflict('You already have an active premium subscription.', 'already-subscribed');
    const customerId = await this.customerFor(provider, userId);
    return provider.subscriptionCheckout({
      customerId,
      userId,
      plan,
      idempotencyKey: `${userId}-${input.idempotencyKey ?? randomUUID()}`,
    });
  }

  async ticketCheckout(
    userId: string,
    eventId: string,
    options: { provider?: ProviderName | undefined; idempotencyKey?: string | undefined } = {},
  ): Promise<CheckoutSession> {
    const { idempotencyKey } = options;
    const event = await this.deps.catalog.find(eventId, userId);
    if (!event) throw problems.notFound('event');
    if (event.status === 'canceled') throw problems.conflict('The event was canceled.', 'event-canceled');
    if (event.type !== 'premium' || !event.priceCents || !event.currency)
      throw problems.conflict('The event is free: register for it directly.', 'event-free');
    if (event.status !== 'published') throw problems.conflict('The event is not open for tickets.', 'event-closed');
    if (event.viewerRegistration === 'confirmed')
      throw problems.conflict('You already hold a confirmed seat for this event.', 'already-registered');
    // A pending_payment hold is one of the counted seats: its holder pays for it even when the event shows full.
    const holdsSeat = event.viewerRegistration === 'pending_payment';
    if (!holdsSeat && event.capacity > 0 && event.registeredCount >= event.capacity)
      throw problems.conflict('The event is full.', 'event-full');
    const provider = this.provider(options.provider ?? 'stripe');
    const customerId = await this.customerFor(provider, userId);
    return provider.ticketCheckout({
      customerId,
      userId,
      event: { id: event.id, title: event.title, priceCents: event.priceCents, currency: event.currency },
      idempotencyKey: `${userId}-${eventId}-${idempotencyKey ?? randomUUID()}`,
    });
  }

  async mySubscription(userId: string): Promise<SubscriptionView> {
    return subscriptionView(await this.uow.read.subscriptions.currentFor(userId));
  }

  /** Cancels at the end of the paid period: premium stays until then, the provider's deletion ends it. */
  async cancel(userId: string, idempotencyKey?: string): Promise<SubscriptionView> {
    const current = await this.uow.read.subscriptions.currentFor(userId);
    if (!current || (current.status !== 'active' && current.status !== 'past_due'))
      throw problems.notFound('active subscription');
    if (current.cancelAtPeriodEnd) return subscriptionView(current);
    const provider = this.provider(current.provider);
    const state = await provider.cancelAtPeriodEnd(
      current.providerSubscriptionId,
      `${current.id}-${idempotencyKey ?? 'cancel'}`,
    );
    const record = await this.uow.run((scope) =>
      applySubscriptionState(scope, {
        provider: current.provider,
        state,
        userId,
        plans: this.plans,
        graceMs: this.deps.graceMs,
        now: new Date(),
      }),
    );
    return subscriptionView(record);
  }

  async transactions(userId: string, page: { limit: number; cursor?: string | undefined }) {
    const binding = cursorBinding('transactions', userId);
    const before = this.deps.cursors.decodeOptional(page.cursor, binding, positions.id);
    const rows = await this.uow.read.ledger.page(userId, page.limit + 1, before);
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map(transactionView),
      nextCursor: rows.length > page.limit && last ? this.deps.cursors.encode(binding, last.id) : null,
    };
  }

  async invoices(userId: string, page: { limit: number; cursor?: string | undefined }) {
    const binding = cursorBinding('invoices', userId);
    const before = this.deps.cursors.decodeOptional(page.cursor, binding, positions.id);
    const rows = await this.uow.read.invoices.page(userId, page.limit + 1, before);
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map(invoiceView),
      nextCursor: rows.length > page.limit && last ? this.deps.cursors.encode(binding, last.id) : null,
    };
  }

  /** Someone else's invoice is a 404, like one that does not exist (no existence oracle). */
  async invoice(userId: string, id: string) {
    const invoice = await this.uow.read.invoices.find(id);
    if (!invoice || invoice.userId !== userId) throw problems.notFound('invoice');
    return invoiceView(invoice);
  }
}
