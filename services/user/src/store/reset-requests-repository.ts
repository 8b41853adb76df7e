import { newId, type Queryable } from '@diaspora/service-kit';
import type { ResetRequestStore } from '../domain/ports.js';

export class PgResetRequestStore implements ResetRequestStore {
  constructor(private readonly db: Queryable) {}

  async enqueue(email: string): Promise<void> {
    await this.db.query('INSERT INTO password_reset_requests (id, email) VALUES ($1, $2)', [newId('prq'), email]);
  }

  /** Takes the oldest request off the queue (replicas skip each other's); undone if the transaction rolls back. */
  async takeNext(): Promise<{ email: string } | null> {
    const { rows } = await this.db.query<{ email: string }>(
      `DELETE FROM password_reset_requests WHERE id = (
         SELECT id FROM password_reset_requests ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING email`,
    );
    return rows[0] ?? null;
  }
}
