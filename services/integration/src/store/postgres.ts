import type { Database } from '@diaspora/service-kit';
import type {
  CalendarConnection,
  CalendarItem,
  CalendarProvider,
  Delivery,
  SealedSecret,
  WebhookSubscription,
} from '../domain/model.js';
import type { CalendarStore, DeliveryStore, IntegrationStore, Page, WebhookStore } from '../domain/ports.js';
import { decodeAttempt, defined, encodeAttempt, type StoredAttempt } from './codec.js';

type Row = Record<string, unknown>;
const date = (value: unknown) => (value ? new Date(value as string) : undefined);

const subscriptionOf = (r: Row): WebhookSubscription =>
  defined({
    id: r.id as string,
    url: r.url as string,
    events: r.events as string[],
    secret: r.secret as SealedSecret,
    status: r.status as WebhookSubscription['status'],
    createdBy: r.created_by as string,
    createdAt: new Date(r.created_at as string),
    consecutiveFailures: r.consecutive_failures as number,
    lastSuccessAt: date(r.last_success_at),
    disabledAt: date(r.disabled_at),
  }) as WebhookSubscription;

const deliveryOf = (r: Row): Delivery =>
  defined({
    id: r.id as string,
    subscriptionId: r.subscription_id as string,
    eventId: r.event_id as string,
    subject: r.subject as string,
    payload: r.payload as string,
    status: r.status as Delivery['status'],
    attempts: (r.attempts as StoredAttempt[]).map(decodeAttempt),
    runAttempts: r.run_attempts as number,
    nextAttemptAt: date(r.next_attempt_at),
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  }) as Delivery;

const connectionOf = (r: Row): CalendarConnection =>
  defined({
    userId: r.user_id as string,
    provider: r.provider as CalendarProvider,
    status: r.status as CalendarConnection['status'],
    credentials: r.credentials as SealedSecret,
    calendarRef: r.calendar_ref as string,
    account: r.account as string,
    syncToken: (r.sync_token as string | null) ?? undefined,
    brokenReason: (r.broken_reason as string | null) ?? undefined,
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  }) as CalendarConnection;

const itemOf = (r: Row): CalendarItem =>
  defined({
    userId: r.user_id as string,
    provider: r.provider as CalendarProvider,
    eventId: r.event_id as string,
    remoteRef: r.remote_ref as string,
    etag: (r.etag as string | null) ?? undefined,
    syncedAt: new Date(r.synced_at as string),
  }) as CalendarItem;

class PgWebhooks implements WebhookStore {
  constructor(private readonly db: Database) {}

  async create(s: WebhookSubscription) {
    await this.db.query(
      `INSERT INTO webhook_subscriptions (id, url, events, secret, status, created_by, created_at, consecutive_failures)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [s.id, s.url, s.events, JSON.stringify(s.secret), s.status, s.createdBy, s.createdAt, s.consecutiveFailures],
    );
  }

  async get(id: string) {
    const { rows } = await this.db.query('SELECT * FROM webhook_subscriptions WHERE id = $1', [id]);
    return rows[0] ? subscriptionOf(rows[0]) : undefined;
  }

  async list() {
    const { rows } = await this.db.query('SELECT * FROM webhook_subscriptions ORDER BY created_at DESC, id DESC');
    return rows.map(subscriptionOf);
  }

  async delete(id: string) {
    const { rowCount } = await this.db.query('DELETE FROM webhook_subscriptions WHERE id = $1', [id]);
    return rowCount === 1;
  }

  async active() {
    const { rows } = await this.db.query("SELECT * FROM webhook_subscriptions WHERE status = 'active'");
    return rows.map(subscriptionOf);
  }

  async recordOutcome(id: string, success: boolean, at: Date) {
    const { rows } = success
      ? await this.db.query(
          'UPDATE webhook_subscriptions SET consecutive_failures = 0, last_success_at = $2 WHERE id = $1 RETURNING *',
          [id, at],
        )
      : await this.db.query(
          'UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1 WHERE id = $1 RETURNING *',
          [id],
        );
    return rows[0] ? subscriptionOf(rows[0]) : undefined;
  }

  async setStatus(id: string, status: 'active' | 'disabled', at: Date) {
    await this.db.query(
      `UPDATE webhook_subscriptions SET status = $2,
         disabled_at = CASE WHEN $2 = 'disabled' THEN $3::timestamptz END,
         consecutive_failures = CASE WHEN $2 = 'active' THEN 0 ELSE consecutive_failures END
       WHERE id = $1`,
      [id, status, at],
    );
  }
}

class PgDeliveries implements DeliveryStore {
  constructor(private readonly db: Database) {}

  async createOnce(d: Delivery) {
    const inserted = await this.db.query(
      `INSERT INTO webhook_deliveries (id, subscription_id, event_id, subject, payload, status, attempts, run_attempts,
         next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, '[]', 0, $7, $8, $8)
       ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING *`,
      [d.id, d.subscriptionId, d.eventId, d.subject, d.payload, d.status, d.nextAttemptAt ?? null, d.createdAt],
    );
    if (inserted.rows[0]) return { delivery: deliveryOf(inserted.rows[0]), created: true };
    const { rows } = await this.db.query(
      'SELECT * FROM webhook_deliveries WHERE subscription_id = $1 AND event_id = $2',
      [d.subscriptionId, d.eventId],
    );
    return { delivery: deliveryOf(rows[0]!), created: false };
  }

  async get(id: string) {
    const { rows } = await this.db.query('SELECT * FROM webhook_deliveries WHERE id = $1', [id]);
    return rows[0] ? deliveryOf(rows[0]) : undefined;
  }

  async list(subscriptionId: string, limit: number, after?: { at: Date; id: string }): Promise<Page<Delivery>> {
    const { rows } = await this.db.query(
      `SELECT * FROM webhook_deliveries WHERE subscription_id = $1
         AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [subscriptionId, after?.at ?? null, after?.id ?? '', limit + 1],
    );
    const items = rows.slice(0, limit).map(deliveryOf);
    const last = items.at(-1);
    return { items, ...(rows.length > limit && last ? { next: { at: last.createdAt, id: last.id } } : {}) };
  }

  async recordAttempt(
    id: string,
    attempt: Delivery['attempts'][number],
    state: { status: Delivery['status']; runAttempts: number; nextAttemptAt?: Date },
  ) {
    await this.db.query(
      `UPDATE webhook_deliveries SET attempts = attempts || $2::jsonb, status = $3, run_attempts = $4,
         next_attempt_at = $5, updated_at = $6 WHERE id = $1`,
      [
        id,
        JSON.stringify([encodeAttempt(attempt)]),
        state.status,
        state.runAttempts,
        state.nextAttemptAt ?? null,
        attempt.at,
      ],
    );
  }

  async restart(id: string, at: Date) {
    await this.db.query(
      "UPDATE webhook_deliveries SET status = 'pending', run_attempts = 0, next_attempt_at = $2, updated_at = $2 WHERE id = $1",
      [id, at],
    );
  }
}

class PgCalendars implements CalendarStore {
  constructor(private readonly db: Database) {}

  async connection(userId: string, provider: CalendarProvider) {
    const { rows } = await this.db.query('SELECT * FROM calendar_connections WHERE user_id = $1 AND provider = $2', [
      userId,
      provider,
    ]);
    return rows[0] ? connectionOf(rows[0]) : undefined;
  }

  async connections(userId: string) {
    const { rows } = await this.db.query('SELECT * FROM calendar_connections WHERE user_id = $1 ORDER BY provider', [
      userId,
    ]);
    return rows.map(connectionOf);
  }

  async saveConnection(c: CalendarConnection) {
    await this.db.query(
      `INSERT INTO calendar_connections (user_id, provider, status, credentials, calendar_ref, account, sync_token,
         broken_reason, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (user_id, provider) DO UPDATE SET status = $3, credentials = $4, calendar_ref = $5, account = $6,
         sync_token = $7, broken_reason = $8, updated_at = $10`,
      [
        c.userId,
        c.provider,
        c.status,
        JSON.stringify(c.credentials),
        c.calendarRef,
        c.account,
        c.syncToken ?? null,
        c.brokenReason ?? null,
        c.createdAt,
        c.updatedAt,
      ],
    );
  }

  async deleteConnection(userId: string, provider: CalendarProvider) {
    await this.db.query('DELETE FROM calendar_items WHERE user_id = $1 AND provider = $2', [userId, provider]);
    await this.db.query('DELETE FROM calendar_connections WHERE user_id = $1 AND provider = $2', [userId, provider]);
  }

  async activeConnections(provider: CalendarProvider) {
    const { rows } = await this.db.query(
      "SELECT * FROM calendar_connections WHERE provider = $1 AND status = 'active' ORDER BY user_id",
      [provider],
    );
    return rows.map(connectionOf);
  }

  async item(userId: string, provider: CalendarProvider, eventId: string) {
    const { rows } = await this.db.query(
      'SELECT * FROM calendar_items WHERE user_id = $1 AND provider = $2 AND event_id = $3',
      [userId, provider, eventId],
    );
    return rows[0] ? itemOf(rows[0]) : undefined;
  }

  async itemByRemote(userId: string, provider: CalendarProvider, remoteRef: string) {
    const { rows } = await this.db.query(
      'SELECT * FROM calendar_items WHERE user_id = $1 AND provider = $2 AND remote_ref = $3',
      [userId, provider, remoteRef],
    );
    return rows[0] ? itemOf(rows[0]) : undefined;
  }

  async saveItem(i: CalendarItem) {
    await this.db.query(
      `INSERT INTO calendar_items (user_id, provider, event_id, remote_ref, etag, synced_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id, provider, event_id) DO UPDATE SET remote_ref = $4, etag = $5, synced_at = $6`,
      [i.userId, i.provider, i.eventId, i.remoteRef, i.etag ?? null, i.syncedAt],
    );
  }

  async deleteItem(userId: string, provider: CalendarProvider, eventId: string) {
    await this.db.query('DELETE FROM calendar_items WHERE user_id = $1 AND provider = $2 AND event_id = $3', [
      userId,
      provider,
      eventId,
    ]);
  }

  async itemsForEvent(eventId: string) {
    const { rows } = await this.db.query('SELECT * FROM calendar_items WHERE event_id = $1', [eventId]);
    return rows.map(itemOf);
  }

  async items(userId: string) {
    const { rows } = await this.db.query('SELECT * FROM calendar_items WHERE user_id = $1 ORDER BY event_id', [userId]);
    return rows.map(itemOf);
  }
}

/** The integration data in this service's PostgreSQL (all-in-one, and distributed mode by choice). */
export class PostgresIntegrationStore implements IntegrationStore {
  readonly webhooks: WebhookStore;
  readonly deliveries: DeliveryStore;
  readonly calendars: CalendarStore;

  constructor(private readonly db: Database) {
    this.webhooks = new PgWebhooks(db);
    this.deliveries = new PgDeliveries(db);
    this.calendars = new PgCalendars(db);
  }

  async exportUser(userId: string) {
    const connections = await this.calendars.connections(userId);
    const items = await this.calendars.items(userId);
    const { rows } = await this.db.query(
      'SELECT id, url, events, created_at FROM webhook_subscriptions WHERE created_by = $1',
      [userId],
    );
    return {
      calendarConnections: connections.map(({ credentials: _c, syncToken: _s, ...rest }) => rest),
      calendarItems: items,
      webhookSubscriptions: rows,
    };
  }

  async eraseUser(userId: string) {
    await this.db.query('DELETE FROM calendar_items WHERE user_id = $1', [userId]);
    await this.db.query('DELETE FROM calendar_connections WHERE user_id = $1', [userId]);
    // Subscriptions belong to the platform, not the super user who created them: only the creator is forgotten.
    await this.db.query("UPDATE webhook_subscriptions SET created_by = 'deleted-user' WHERE created_by = $1", [userId]);
  }

  async purgeDeliveriesBefore(cutoff: Date) {
    await this.db.query("DELETE FROM webhook_deliveries WHERE created_at < $1 AND status <> 'pending'", [cutoff]);
  }

  async init() {}
  async ping() {
    await this.db.ping();
  }
  async close() {}
}
