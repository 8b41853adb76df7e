import { newId, type Queryable, SqlParams } from '@diaspora/service-kit';
import type { AuditEntry, NewAuditEntry } from '../domain/audit-model.js';
import type { AuditFilters, AuditStore } from '../domain/ports.js';

type Row = {
  id: string;
  at: Date;
  actor_id: string;
  action: string;
  target_type: string;
  target_id: string;
  reason: string | null;
  details: Record<string, unknown>;
  country: string | null;
  city: string | null;
  source: string;
};

const toEntry = (row: Row): AuditEntry => ({
  id: row.id,
  at: row.at,
  actorId: row.actor_id,
  action: row.action,
  targetType: row.target_type,
  targetId: row.target_id,
  ...(row.reason ? { reason: row.reason } : {}),
  details: row.details,
  ...(row.country ? { country: row.country } : {}),
  ...(row.city ? { city: row.city } : {}),
  source: row.source,
});

export class PgAuditStore implements AuditStore {
  constructor(private readonly q: Queryable) {}

  async append(entry: NewAuditEntry): Promise<boolean> {
    const result = await this.q.query(
      `INSERT INTO audit_entries
         (id, at, actor_id, action, target_type, target_id, reason, details, country, city, source, source_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (source_key) DO NOTHING`,
      [
        newId('aud'),
        entry.at,
        entry.actorId,
        entry.action,
        entry.targetType,
        entry.targetId,
        entry.reason ?? null,
        JSON.stringify(entry.details),
        entry.country ?? null,
        entry.city ?? null,
        entry.source ?? 'admin',
        entry.sourceKey ?? null,
      ],
    );
    return result.rowCount === 1;
  }

  async list(filters: AuditFilters, after: { at: Date; id: string } | undefined, limit: number) {
    const params = new SqlParams();
    if (filters.actorId) params.and(`actor_id = ${params.add(filters.actorId)}`);
    if (filters.targetId) params.and(`target_id = ${params.add(filters.targetId)}`);
    if (filters.targetType) params.and(`target_type = ${params.add(filters.targetType)}`);
    if (filters.action) params.and(`action = ${params.add(filters.action)}`);
    if (filters.from) params.and(`at >= ${params.add(filters.from)}`);
    if (filters.to) params.and(`at <= ${params.add(filters.to)}`);
    if (filters.place?.country) params.and(`country = ${params.add(filters.place.country)}`);
    if (filters.place?.city) params.and(`lower(city) = lower(${params.add(filters.place.city)})`);
    if (after) params.and(`(at, id) < (${params.add(after.at)}, ${params.add(after.id)})`);
    const { rows } = await this.q.query<Row>(
      `SELECT * FROM audit_entries ${params.where} ORDER BY at DESC, id DESC LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map(toEntry);
  }

  async concerning(userId: string): Promise<AuditEntry[]> {
    const { rows } = await this.q.query<Row>(
      `SELECT * FROM audit_entries WHERE actor_id = $1 OR target_id = $1 OR details->>'authorId' = $1
       ORDER BY at DESC, id DESC LIMIT 1000`,
      [userId],
    );
    return rows.map(toEntry);
  }

  async pseudonymize(userId: string, pseudonym: string): Promise<number> {
    const result = await this.q.query(
      `UPDATE audit_entries SET
         actor_id = CASE WHEN actor_id = $1 THEN $2 ELSE actor_id END,
         target_id = CASE WHEN target_id = $1 THEN $2 ELSE target_id END,
         details = CASE WHEN details->>'authorId' = $1 THEN jsonb_set(details, '{authorId}', to_jsonb($2::text))
                        ELSE details END,
         -- An appeal's statement is the member's own words: it goes with them.
         reason = CASE WHEN action = 'report.appealed' AND actor_id = $1 THEN NULL ELSE reason END
       WHERE actor_id = $1 OR target_id = $1 OR details->>'authorId' = $1`,
      [userId, pseudonym],
    );
    return result.rowCount ?? 0;
  }
}
