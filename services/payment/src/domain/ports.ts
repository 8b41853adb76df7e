import type { Scope as KitScope, UnitOfWork as KitUnitOfWork } from '@diaspora/service-kit';

/**
 * What the domain needs from the outside, named here so that domain/ never imports store/, http/ or adapters/.
 * Money is always minor units (cents) plus an ISO-4217 currency in upper case.
 */
export type ProviderName = 'stripe' | 'paypal';
export type SubscriptionStatus = 'incomplete' | 'active' | 'past_due' | 'canceled';

export interface Plan {
  id: string;
  name: string;
  interval: 'month' | 'year';
  priceCents: number;
  currency: string;
  stripePriceId?: string | undefined;
  paypalPlanId?: string | undefined;
}

export interface CheckoutSession {
  provider: ProviderName;
  sessionId: string;
  checkoutUrl: string;
}

/** A subscription as the provider holds it now (the truth webhooks are reconciled against). */
export interface ProviderSubscription {
  id: string;
  customerId: string | null;
  /** From the object's metadata.userId, when the service created it. */
  userId: string | null;
  plan: string | null;
  status: SubscriptionStatus;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

/** One payment provider (Stripe, PayPal, the local one); every write takes an idempotency key. */
export interface PaymentProvider {
  readonly name: ProviderName;
  createCustomer(input: { userId: string; idempotencyKey: string }): Promise<string>;
  subscriptionCheckout(input: {
    customerId: string;
    userId: string;
    plan: Plan;
    idempotencyKey: string;
  }): Promise<CheckoutSession>;
  ticketCheckout(input: {
    customerId: string;
    userId: string;
    event: { id: string; title: string; priceCents: number; currency: string };
    idempotencyKey: string;
  }): Promise<CheckoutSession>;
  fetchSubscription(id: string): Promise<ProviderSubscription>;
  cancelAtPeriodEnd(id: string, idempotencyKey: string): Promise<ProviderSubscription>;
  /** Ends it now, no further billing (the member's account is being erased). */
  cancelNow(id: string, idempotencyKey: string): Promise<ProviderSubscription>;
  refund(input: { paymentRef: string; amountCents: number; idempotencyKey: string }): Promise<{ refundId: string }>;
}

/** What one verified webhook means for billing, whatever the provider's event vocabulary. */
export type BillingFact =
  | { kind: 'subscription-changed'; subscriptionId: string; customerId: string | null; deleted?: ProviderSubscription }
  | {
      kind: 'invoice-paid';
      invoiceId: string;
      subscriptionId: string | null;
      customerId: string | null;
      amountCents: number;
      currency: string;
      url: string | null;
    }
  | {
      kind: 'checkout-completed';
      sessionId: string;
      customerId: string | null;
      userId: string | null;
      purpose: 'subscription' | 'ticket' | 'unknown';
      subscriptionId: string | null;
      eventId: string | null;
      paymentRef: string | null;
      paid: boolean;
      amountCents: number;
      currency: string;
    }
  | { kind: 'ignored' };

export interface WebhookEvent {
  provider: ProviderName;
  id: string;
  type: string;
  fact: BillingFact;
  payload: unknown;
}

export interface SubscriptionRecord {
  id: string;
  provider: ProviderName;
  providerSubscriptionId: string;
  userId: string;
  plan: string;
  status: SubscriptionStatus;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  pastDueSince: Date | null;
  granted: boolean;
  updatedAt: Date;
}

export interface TransactionRecord {
  id: string;
  userId: string;
  kind: 'subscription' | 'ticket' | 'refund';
  amountCents: number;
  currency: string;
  status: 'succeeded' | 'refunded';
  provider: ProviderName;
  providerRef: string;
  subscriptionId: string | null;
  eventId: string | null;
  refundOf: string | null;
  createdAt: Date;
}

export interface InvoiceRecord {
  id: string;
  number: string;
  userId: string;
  transactionId: string;
  amountCents: number;
  currency: string;
  status: 'paid' | 'refunded';
  url: string | null;
  createdAt: Date;
}

export interface CustomerStore {
  customerOf(userId: string, provider: ProviderName): Promise<string | null>;
  userOf(provider: ProviderName, customerId: string): Promise<string | null>;
  /** Idempotent: the same (provider, customer) again is a no-op. */
  link(provider: ProviderName, customerId: string, userId: string): Promise<void>;
}

export interface SubscriptionStore {
  find(
    provider: ProviderName,
    providerSubscriptionId: string,
    options?: { forUpdate?: boolean },
  ): Promise<SubscriptionRecord | null>;
  save(record: SubscriptionRecord): Promise<void>;
  /** The member's most relevant subscription: a live one first, else the latest. */
  currentFor(userId: string): Promise<SubscriptionRecord | null>;
  /** The member's subscriptions the provider may still bill (incomplete, active, past_due). */
  liveFor(userId: string): Promise<SubscriptionRecord[]>;
  /**
   * Granted subscriptions to revoke, locked (SKIP LOCKED) for this run: past_due since before `graceCutoff`, or
   * canceled with their paid period over at `now`.
   */
  graceExpired(graceCutoff: Date, now: Date, limit: number): Promise<SubscriptionRecord[]>;
}

export interface WebhookLog {
  /** False when the event id was already recorded (a replay). */
  record(event: {
    provider: ProviderName;
    id: string;
    type: string;
    outcome: string;
    payload: unknown;
  }): Promise<boolean>;
}

export interface Ledger {
  /** Appends one row; null when (provider, providerRef) is already there. */
  append(row: Omit<TransactionRecord, 'createdAt'>): Promise<TransactionRecord | null>;
  page(userId: string, limit: number, beforeId?: string): Promise<TransactionRecord[]>;
  /** Paid tickets of an event not yet refunded. */
  unrefundedTickets(eventId: string): Promise<TransactionRecord[]>;
  find(id: string): Promise<TransactionRecord | null>;
}

export interface InvoiceStore {
  /** Numbers the invoice in its year (gap-free, under the year's counter lock) and stores it. */
  issue(invoice: Omit<InvoiceRecord, 'number'>): Promise<InvoiceRecord>;
  markRefunded(transactionId: string): Promise<void>;
  page(userId: string, limit: number, beforeId?: string): Promise<InvoiceRecord[]>;
  find(id: string): Promise<InvoiceRecord | null>;
}

export interface Pseudonymizer {
  /** Replaces the member's id by `pseudonym` everywhere the ledger must keep the row. */
  pseudonymize(userId: string, pseudonym: string): Promise<void>;
  exportFor(userId: string): Promise<{ subscriptions: unknown[]; transactions: unknown[]; invoices: unknown[] }>;
}

export type Stores = {
  customers: CustomerStore;
  subscriptions: SubscriptionStore;
  webhooks: WebhookLog;
  ledger: Ledger;
  invoices: InvoiceStore;
  privacy: Pseudonymizer;
};
export type Scope = KitScope<Stores>;
export type UnitOfWork = KitUnitOfWork<Stores>;

/** The event service as ticket checkouts see it. */
export interface EventCatalog {
  /** Null when the event does not exist or the member may not see it. */
  find(eventId: string, viewerId: string): Promise<CatalogEvent | null>;
}

export interface CatalogEvent {
  id: string;
  title: string;
  type: string;
  status: string;
  capacity: number;
  registeredCount: number;
  priceCents: number | null;
  currency: string | null;
  /** The member's live registration (confirmed | pending_payment | waitlisted), null without one. */
  viewerRegistration: string | null;
}
