import type { EventEnvelope } from '@diaspora/events';
import type { Queryable } from '../db/database.js';

/**
 * Writes already-built envelopes (see `buildEnvelope`) to this service's outbox in the caller's transaction,
 * skipping ids already there. For services whose changes are stored outside PostgreSQL (a document store that
 * keeps pending events inside the changed document): forwarding the same envelope twice is harmless.
 */
export async function enqueueEnvelopes(tx: Queryable, envelopes: readonly EventEnvelope[]): Promise<number> {
  if (envelopes.length === 0) return 0;
  const { rowCount } = await tx.query(
    `INSERT INTO outbox (id, subject, envelope)
     SELECT e->>'id', e->>'subject', e FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(envelopes)],
  );
  // Wakes the relay's LISTEN when (and only if) the caller's transaction commits, as Outbox.enqueue does.
  if (rowCount) await tx.query(`SELECT pg_notify('outbox_pending', '')`);
  return rowCount ?? 0;
}
