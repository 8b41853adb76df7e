import type { Queryable } from '@diaspora/service-kit';
import type { DeliveryStore, NewDelivery } from '../domain/ports.js';
import type { DeliveryChannel, DeliveryRecord, DeliveryStatus, NotificationRecord } from '../domain/types.js';
import { type NotificationRow, toNotification } from './notifications-repository.js';

type DeliveryRow = {
  id: string;
  notification_id: string;
  recipient_id: string;
  channel: string;
  status: string;
  attempts: number;
  last_error: string | null;
  not_before: Date;
  sent_at: Date | null;
};

const toDelivery = (row: DeliveryRow): DeliveryRecord => ({
  id: row.id,
  notificationId: row.notification_id,
  recipientId: row.recipient_id,
  channel: row.channel as DeliveryChannel,
  status: row.status as DeliveryStatus,
  attempts: row.attempts,
  lastError: row.last_error,
  notBefore: row.not_before,
  sentAt: row.sent_at,
});

const WITH_NOTIFICATION = `
  SELECT d.id, d.notification_id, d.recipient_id, d.channel, d.status, d.attempts, d.last_error, d.not_before,
         d.sent_at, to_jsonb(n) AS notification
  FROM deliveries d JOIN notifications n ON n.id = d.notification_id`;

type Joined = DeliveryRow & { notification: NotificationRow & { read_at: string | null; created_at: string } };
const toJoined = (row: Joined): DeliveryRecord & { notification: NotificationRecord } => ({
  ...toDelivery(row),
  notification: toNotification({
    ...row.notification,
    read_at: row.notification.read_at ? new Date(row.notification.read_at) : null,
    created_at: new Date(row.notification.created_at),
  }),
});

export class PgDeliveryStore implements DeliveryStore {
  constructor(private readonly db: Queryable) {}

  async insertMany(list: NewDelivery[]): Promise<void> {
    if (list.length === 0) return;
    await this.db.query(
      `INSERT INTO deliveries (id, notification_id, recipient_id, channel, status)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [
        list.map((d) => d.id),
        list.map((d) => d.notificationId),
        list.map((d) => d.recipientId),
        list.map((d) => d.channel),
        list.map((d) => d.status),
      ],
    );
  }

  async lock(id: string) {
    const { rows } = await this.db.query<Joined>(`${WITH_NOTIFICATION} WHERE d.id = $1 FOR UPDATE OF d SKIP LOCKED`, [
      id,
    ]);
    return rows[0] ? toJoined(rows[0]) : null;
  }

  async markSent(id: string, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE deliveries SET status = 'sent', sent_at = $2, attempts = attempts + 1, updated_at = now() WHERE id = $1`,
      [id, at],
    );
  }

  async markFailed(id: string, error: string, dead: boolean): Promise<void> {
    await this.db.query(
      `UPDATE deliveries SET status = $3, last_error = $2, attempts = attempts + 1, updated_at = now() WHERE id = $1`,
      [id, error.slice(0, 500), dead ? 'dead' : 'failed'],
    );
  }

  async markSkipped(id: string, reason: string): Promise<void> {
    await this.db.query(`UPDATE deliveries SET status = 'skipped', last_error = $2, updated_at = now() WHERE id = $1`, [
      id,
      reason,
    ]);
  }

  async postpone(id: string, until: Date): Promise<void> {
    await this.db.query('UPDATE deliveries SET not_before = $2, updated_at = now() WHERE id = $1', [id, until]);
  }

  async digestRecipients(): Promise<string[]> {
    const { rows } = await this.db.query<{ recipient_id: string }>(
      `SELECT DISTINCT recipient_id FROM deliveries WHERE status = 'digest'`,
    );
    return rows.map((row) => row.recipient_id);
  }

  async takeDigest(recipientId: string) {
    const { rows } = await this.db.query<Joined>(
      `${WITH_NOTIFICATION} WHERE d.recipient_id = $1 AND d.status = 'digest' ORDER BY d.created_at, d.id
       FOR UPDATE OF d SKIP LOCKED`,
      [recipientId],
    );
    return rows.map(toJoined);
  }

  async markManySent(ids: string[], at: Date): Promise<void> {
    await this.db.query(
      `UPDATE deliveries SET status = 'sent', sent_at = $2, attempts = attempts + 1, updated_at = now()
       WHERE id = ANY($1)`,
      [ids, at],
    );
  }

  async forNotifications(ids: string[]): Promise<DeliveryRecord[]> {
    const { rows } = await this.db.query<DeliveryRow>(
      'SELECT * FROM deliveries WHERE notification_id = ANY($1) ORDER BY created_at, id',
      [ids],
    );
    return rows.map(toDelivery);
  }

  async allFor(recipientId: string): Promise<DeliveryRecord[]> {
    const { rows } = await this.db.query<DeliveryRow>(
      'SELECT * FROM deliveries WHERE recipient_id = $1 ORDER BY created_at, id',
      [recipientId],
    );
    return rows.map(toDelivery);
  }
}
