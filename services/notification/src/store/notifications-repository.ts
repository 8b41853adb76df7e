import type { Queryable } from '@diaspora/service-kit';
import type { NewNotification, NotificationStore } from '../domain/ports.js';
import type { NotificationRecord, NotificationType } from '../domain/types.js';

const COLUMNS = 'id, recipient_id, type, title, body, data, in_app, read_at, created_at';

export type NotificationRow = {
  id: string;
  recipient_id: string;
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  in_app: boolean;
  read_at: Date | null;
  created_at: Date;
};

export const toNotification = (row: NotificationRow): NotificationRecord => ({
  id: row.id,
  recipientId: row.recipient_id,
  type: row.type as NotificationType,
  title: row.title,
  body: row.body,
  data: row.data,
  inApp: row.in_app,
  readAt: row.read_at,
  createdAt: row.created_at,
});

export class PgNotificationStore implements NotificationStore {
  constructor(private readonly db: Queryable) {}

  async insert(n: NewNotification): Promise<NotificationRecord | null> {
    const { rows } = await this.db.query<NotificationRow>(
      `INSERT INTO notifications (id, recipient_id, type, dedup_key, group_key, title, body, data, in_app)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [n.id, n.recipientId, n.type, n.dedupKey, n.groupKey ?? null, n.title, n.body, n.data, n.inApp],
    );
    return rows[0] ? toNotification(rows[0]) : null;
  }

  async insertMany(list: NewNotification[]): Promise<NotificationRecord[]> {
    if (list.length === 0) return [];
    // One statement for the whole fan-out: arrays in (INSERT … SELECT unnest), only the ids written and their time
    // back (the rest is what was sent; a recipient who already had this dedup key is skipped).
    const { rows } = await this.db.query<{ id: string; created_at: Date }>(
      `INSERT INTO notifications (id, recipient_id, type, dedup_key, title, body, data, in_app)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[],
                            $8::boolean[])
       ON CONFLICT DO NOTHING RETURNING id, created_at`,
      [
        list.map((n) => n.id),
        list.map((n) => n.recipientId),
        list.map((n) => n.type),
        list.map((n) => n.dedupKey),
        list.map((n) => n.title),
        list.map((n) => n.body),
        list.map((n) => JSON.stringify(n.data)),
        list.map((n) => n.inApp),
      ],
    );
    const byId = new Map(list.map((n) => [n.id, n]));
    return rows.map((row) => {
      const n = byId.get(row.id)!;
      return {
        id: n.id,
        recipientId: n.recipientId,
        type: n.type,
        title: n.title,
        body: n.body,
        data: n.data,
        inApp: n.inApp,
        readAt: null,
        createdAt: row.created_at,
      };
    });
  }

  async unreadGroup(recipientId: string, groupKey: string): Promise<NotificationRecord | null> {
    const { rows } = await this.db.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM notifications
       WHERE recipient_id = $1 AND group_key = $2 AND read_at IS NULL FOR UPDATE`,
      [recipientId, groupKey],
    );
    return rows[0] ? toNotification(rows[0]) : null;
  }

  async regroup(
    id: string,
    texts: { title: string; body: string; data: Record<string, unknown> },
  ): Promise<NotificationRecord> {
    const { rows } = await this.db.query<NotificationRow>(
      `UPDATE notifications SET title = $2, body = $3, data = $4, created_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, texts.title, texts.body, texts.data],
    );
    return toNotification(rows[0]!);
  }

  async list(recipientId: string, limit: number, after?: [string, string]) {
    const { rows } = await this.db.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM notifications
       WHERE recipient_id = $1 AND in_app
         AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::text))
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      [recipientId, limit + 1, after?.[0] ?? null, after?.[1] ?? null],
    );
    return { items: rows.slice(0, limit).map(toNotification), hasMore: rows.length > limit };
  }

  async findById(id: string): Promise<NotificationRecord | null> {
    const { rows } = await this.db.query<NotificationRow>(`SELECT ${COLUMNS} FROM notifications WHERE id = $1`, [id]);
    return rows[0] ? toNotification(rows[0]) : null;
  }

  async markRead(recipientId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND recipient_id = $2 AND in_app`,
      [id, recipientId],
    );
    return rowCount === 1;
  }

  async markAllRead(recipientId: string): Promise<number> {
    const { rowCount } = await this.db.query(
      'UPDATE notifications SET read_at = now() WHERE recipient_id = $1 AND in_app AND read_at IS NULL',
      [recipientId],
    );
    return rowCount ?? 0;
  }

  async unreadCount(recipientId: string): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM notifications WHERE recipient_id = $1 AND in_app AND read_at IS NULL',
      [recipientId],
    );
    return rows[0]?.count ?? 0;
  }

  async allFor(recipientId: string): Promise<NotificationRecord[]> {
    const { rows } = await this.db.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM notifications WHERE recipient_id = $1 ORDER BY created_at, id`,
      [recipientId],
    );
    return rows.map(toNotification);
  }

  async deleteFor(recipientId: string): Promise<void> {
    await this.db.query('DELETE FROM notifications WHERE recipient_id = $1', [recipientId]);
  }
}
