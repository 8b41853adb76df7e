import type { Queryable } from '@diaspora/service-kit';
import type {
  CustomerStore,
  ProviderName,
  SubscriptionRecord,
  SubscriptionStatus,
  SubscriptionStore,
  WebhookLog,
} from '../domain/ports.js';

type SubscriptionRow = {
  id: string;
  provider: ProviderName;
  provider_subscription_id: string;
  user_id: string;
  plan: string;
  status: SubscriptionStatus;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  past_due_since: Date | null;
  granted: boolean;
  updated_at: Date;
};

const toSubscription = (row: SubscriptionRow): SubscriptionRecord => ({
  id: row.id,
  provider: row.provider,
  providerSubscriptionId: row.provider_subscription_id,
  userId: row.user_id,
  plan: row.plan,
  status: row.status,
  currentPeriodEnd: row.current_period_end,
  cancelAtPeriodEnd: row.cancel_at_period_end,
  pastDueSince: row.past_due_since,
  granted: row.granted,
  updatedAt: row.updated_at,
});

export class SqlCustomers implements CustomerStore {
  constructor(private readonly q: Queryable) {}

  async customerOf(userId: string, provider: ProviderName) {
    const { rows } = await this.q.query<{ customer_id: string }>(
      'SELECT customer_id FROM customers WHERE user_id = $1 AND provider = $2',
      [userId, provider],
    );
    return rows[0]?.customer_id ?? null;
  }

  async userOf(provider: ProviderName, customerId: string) {
    const { rows } = await this.q.query<{ user_id: string }>(
      'SELECT user_id FROM customers WHERE provider = $1 AND customer_id = $2',
      [provider, customerId],
    );
    return rows[0]?.user_id ?? null;
  }

  async link(provider: ProviderName, customerId: string, userId: string) {
    await this.q.query(
      'INSERT INTO customers (provider, customer_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [provider, customerId, userId],
    );
  }
}

export class SqlSubscriptions implements SubscriptionStore {
  constructor(private readonly q: Queryable) {}

  async find(provider: ProviderName, providerSubscriptionId: string, options: { forUpdate?: boolean } = {}) {
    const { rows } = await this.q.query<SubscriptionRow>(
      `SELECT * FROM subscriptions WHERE provider = $1 AND provider_subscription_id = $2
       ${options.forUpdate ? 'FOR UPDATE' : ''}`,
      [provider, providerSubscriptionId],
    );
    return rows[0] ? toSubscription(rows[0]) : null;
  }

  async save(record: SubscriptionRecord) {
    await this.q.query(
      `INSERT INTO subscriptions (id, provider, provider_subscription_id, user_id, plan, status, current_period_end,
         cancel_at_period_end, past_due_since, granted, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
       ON CONFLICT (provider, provider_subscription_id) DO UPDATE SET
         user_id = EXCLUDED.user_id, plan = EXCLUDED.plan, status = EXCLUDED.status,
         current_period_end = EXCLUDED.current_period_end, cancel_at_period_end = EXCLUDED.cancel_at_period_end,
         past_due_since = EXCLUDED.past_due_since, granted = EXCLUDED.granted, updated_at = now()`,
      [
        record.id,
        record.provider,
        record.providerSubscriptionId,
        record.userId,
        record.plan,
        record.status,
        record.currentPeriodEnd,
        record.cancelAtPeriodEnd,
        record.pastDueSince,
        record.granted,
      ],
    );
  }

  async currentFor(userId: string) {
    const { rows } = await this.q.query<SubscriptionRow>(
      `SELECT * FROM subscriptions WHERE user_id = $1
       ORDER BY (status IN ('active', 'past_due')) DESC, updated_at DESC LIMIT 1`,
      [userId],
    );
    return rows[0] ? toSubscription(rows[0]) : null;
  }

  async liveFor(userId: string) {
    const { rows } = await this.q.query<SubscriptionRow>(
      `SELECT * FROM subscriptions WHERE user_id = $1 AND status <> 'canceled' ORDER BY created_at`,
      [userId],
    );
    return rows.map(toSubscription);
  }

  async graceExpired(graceCutoff: Date, now: Date, limit: number) {
    const { rows } = await this.q.query<SubscriptionRow>(
      `SELECT * FROM subscriptions
       WHERE granted AND ((status = 'past_due' AND past_due_since < $1) OR (status = 'canceled' AND current_period_end <= $2))
       ORDER BY updated_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [graceCutoff, now, limit],
    );
    return rows.map(toSubscription);
  }
}

export class SqlWebhookLog implements WebhookLog {
  constructor(private readonly q: Queryable) {}

  async record(event: { provider: ProviderName; id: string; type: string; outcome: string; payload: unknown }) {
    const { rowCount } = await this.q.query(
      `INSERT INTO webhook_events (provider, event_id, type, outcome, payload) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [event.provider, event.id, event.type, event.outcome, JSON.stringify(event.payload)],
    );
    return rowCount === 1;
  }
}
