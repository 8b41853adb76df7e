import { type Queryable, SqlParams } from '@diaspora/service-kit';
import type {
  CancelReason,
  RegistrationRecord,
  RegistrationStatus,
  RegistrationStore,
  Slice,
} from '../domain/ports.js';

const COLUMNS = `id, event_id, user_id, status, waitlist_seq, hold_expires_at, payment_id, check_in_code, checked_in_at,
  checked_in_by, cancel_reason, created_at, updated_at`;

function toRegistration(row: Record<string, unknown>): RegistrationRecord {
  return {
    id: row.id as string,
    eventId: row.event_id as string,
    userId: row.user_id as string,
    status: row.status as RegistrationStatus,
    waitlistSeq: row.waitlist_seq === null ? null : Number(row.waitlist_seq),
    holdExpiresAt: row.hold_expires_at as Date | null,
    paymentId: row.payment_id as string | null,
    checkInCode: row.check_in_code as string | null,
    checkedInAt: row.checked_in_at as Date | null,
    checkedInBy: row.checked_in_by as string | null,
    cancelReason: row.cancel_reason as string | null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

export class PgRegistrationStore implements RegistrationStore {
  constructor(private readonly db: Queryable) {}

  async insert(registration: Parameters<RegistrationStore['insert']>[0]): Promise<RegistrationRecord> {
    const { rows } = await this.db.query(
      `INSERT INTO registrations (id, event_id, user_id, status, waitlist_seq, hold_expires_at, payment_id, check_in_code)
       VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'waitlisted' THEN nextval('registration_waitlist_seq') END, $5, $6, $7)
       RETURNING ${COLUMNS}`,
      [
        registration.id,
        registration.eventId,
        registration.userId,
        registration.status,
        registration.holdExpiresAt,
        registration.paymentId,
        registration.checkInCode,
      ],
    );
    return toRegistration(rows[0]!);
  }

  async findById(id: string): Promise<RegistrationRecord | null> {
    const { rows } = await this.db.query(`SELECT ${COLUMNS} FROM registrations WHERE id = $1`, [id]);
    return rows[0] ? toRegistration(rows[0]) : null;
  }

  async findActive(eventId: string, userId: string, options: { forUpdate?: boolean } = {}) {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM registrations WHERE event_id = $1 AND user_id = $2 AND status <> 'canceled'
       ${options.forUpdate ? 'FOR UPDATE' : ''}`,
      [eventId, userId],
    );
    return rows[0] ? toRegistration(rows[0]) : null;
  }

  async findByCode(code: string): Promise<RegistrationRecord | null> {
    const { rows } = await this.db.query(`SELECT ${COLUMNS} FROM registrations WHERE check_in_code = $1 FOR UPDATE`, [
      code,
    ]);
    return rows[0] ? toRegistration(rows[0]) : null;
  }

  async waitlistPosition(registration: RegistrationRecord): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM registrations WHERE event_id = $1 AND status = 'waitlisted' AND waitlist_seq < $2`,
      [registration.eventId, registration.waitlistSeq],
    );
    return (rows[0]?.n ?? 0) + 1;
  }

  async headOfWaitlist(eventId: string, count: number): Promise<RegistrationRecord[]> {
    if (count <= 0) return [];
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM registrations WHERE event_id = $1 AND status = 'waitlisted'
       ORDER BY waitlist_seq LIMIT $2 FOR UPDATE`,
      [eventId, count],
    );
    return rows.map(toRegistration);
  }

  async setStatus(
    id: string,
    status: RegistrationStatus,
    fields: {
      holdExpiresAt?: Date | null;
      checkInCode?: string | null;
      cancelReason?: CancelReason;
      paymentId?: string;
    } = {},
  ): Promise<RegistrationRecord> {
    const { rows } = await this.db.query(
      `UPDATE registrations SET status = $2,
         waitlist_seq = CASE WHEN $2 = 'waitlisted' THEN coalesce(waitlist_seq, nextval('registration_waitlist_seq')) END,
         hold_expires_at = CASE WHEN $2 = 'pending_payment' THEN $3::timestamptz END,
         check_in_code = CASE WHEN $6 THEN $4 ELSE check_in_code END,
         cancel_reason = CASE WHEN $2 = 'canceled' THEN $5 END,
         canceled_at = CASE WHEN $2 = 'canceled' THEN now() END,
         payment_id = coalesce($7, payment_id),
         updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [
        id,
        status,
        fields.holdExpiresAt ?? null,
        fields.checkInCode ?? null,
        fields.cancelReason ?? null,
        fields.checkInCode !== undefined,
        fields.paymentId ?? null,
      ],
    );
    return toRegistration(rows[0]!);
  }

  async markCheckedIn(id: string, by: string, at: Date): Promise<RegistrationRecord | null> {
    const { rows } = await this.db.query(
      `UPDATE registrations SET checked_in_at = $3, checked_in_by = $2, updated_at = now()
       WHERE id = $1 AND checked_in_at IS NULL RETURNING ${COLUMNS}`,
      [id, by, at],
    );
    return rows[0] ? toRegistration(rows[0]) : null;
  }

  async expiredHolds(eventId: string, now: Date): Promise<RegistrationRecord[]> {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM registrations WHERE event_id = $1 AND status = 'pending_payment' AND hold_expires_at <= $2
       FOR UPDATE`,
      [eventId, now],
    );
    return rows.map(toRegistration);
  }

  async activeForEvent(eventId: string): Promise<RegistrationRecord[]> {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM registrations WHERE event_id = $1 AND status <> 'canceled' ORDER BY created_at FOR UPDATE`,
      [eventId],
    );
    return rows.map(toRegistration);
  }

  async listForEvent(
    eventId: string,
    limit: number,
    afterId: string | undefined,
    status?: RegistrationStatus,
  ): Promise<Slice<RegistrationRecord>> {
    const p = new SqlParams();
    p.and(`event_id = ${p.add(eventId)}`);
    if (status) p.and(`status = ${p.add(status)}`);
    if (afterId) p.and(`id > ${p.add(afterId)}`);
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM registrations ${p.where} ORDER BY id LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return { items: rows.slice(0, limit).map(toRegistration), hasMore: rows.length > limit };
  }

  async listForUser(userId: string): Promise<RegistrationRecord[]> {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM registrations WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
    return rows.map(toRegistration);
  }

  async confirmedUserIds(eventId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ user_id: string }>(
      `SELECT user_id FROM registrations WHERE event_id = $1 AND status = 'confirmed' ORDER BY created_at`,
      [eventId],
    );
    return rows.map((row) => row.user_id);
  }

  async anyCheckedIn(eventId: string): Promise<boolean> {
    const { rows } = await this.db.query(
      'SELECT 1 FROM registrations WHERE event_id = $1 AND checked_in_at IS NOT NULL LIMIT 1',
      [eventId],
    );
    return rows.length > 0;
  }

  async takeUnusedTicket(eventId: string, userId: string, registrationId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ payment_id: string }>(
      `UPDATE ticket_payments SET registration_id = $3 WHERE payment_id = (
         SELECT payment_id FROM ticket_payments WHERE event_id = $1 AND user_id = $2 AND registration_id IS NULL
         ORDER BY paid_at LIMIT 1 FOR UPDATE) RETURNING payment_id`,
      [eventId, userId, registrationId],
    );
    return rows[0]?.payment_id ?? null;
  }

  async recordTicket(ticket: Parameters<RegistrationStore['recordTicket']>[0]): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO ticket_payments (payment_id, event_id, user_id, amount_cents, currency, paid_at, registration_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (payment_id) DO NOTHING`,
      [
        ticket.paymentId,
        ticket.eventId,
        ticket.userId,
        ticket.amountCents,
        ticket.currency,
        ticket.paidAt,
        ticket.registrationId,
      ],
    );
    return rowCount === 1;
  }

  async deleteForUser(userId: string): Promise<number> {
    await this.db.query('DELETE FROM ticket_payments WHERE user_id = $1', [userId]);
    await this.db.query(
      'UPDATE ticket_payments SET registration_id = NULL WHERE registration_id IN (SELECT id FROM registrations WHERE user_id = $1)',
      [userId],
    );
    const { rowCount } = await this.db.query('DELETE FROM registrations WHERE user_id = $1', [userId]);
    return rowCount ?? 0;
  }
}
