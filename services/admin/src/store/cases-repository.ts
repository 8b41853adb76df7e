import { newId, type Queryable, SqlParams } from '@diaspora/service-kit';
import { type CaseRecord, type CaseSignal, priorityOf, type Resolution } from '../domain/case-model.js';
import type { CaseListFilters, CasePosition, CaseStore } from '../domain/ports.js';

type Row = {
  id: string;
  target_type: CaseRecord['targetType'];
  target_id: string;
  author_id: string | null;
  status: CaseRecord['status'];
  report_count: number;
  score: number;
  labels: string[];
  flag_source: string | null;
  country: string | null;
  origin_country: string | null;
  city: string | null;
  evidence: Record<string, unknown> | null;
  opened_at: Date;
  last_signal_at: Date;
  priority: number;
  resolution: (Omit<Resolution, 'at'> & { at: string }) | null;
  resolved_at: Date | null;
  appeal: { by: string; statement: string; at: string } | null;
};

const toRecord = (row: Row): CaseRecord => ({
  id: row.id,
  targetType: row.target_type,
  targetId: row.target_id,
  authorId: row.author_id,
  status: row.status,
  reportCount: row.report_count,
  score: row.score,
  labels: row.labels,
  flagSource: row.flag_source,
  country: row.country,
  originCountry: row.origin_country,
  city: row.city,
  evidence: row.evidence,
  openedAt: row.opened_at,
  lastSignalAt: row.last_signal_at,
  priority: row.priority,
  resolution: row.resolution ? { ...row.resolution, at: new Date(row.resolution.at) } : null,
  resolvedAt: row.resolved_at,
  appeal: row.appeal ? { ...row.appeal, at: new Date(row.appeal.at) } : null,
});

export class PgCaseStore implements CaseStore {
  constructor(private readonly q: Queryable) {}

  async signal(signal: CaseSignal): Promise<CaseRecord> {
    // One open case per target (partial unique index): the first signal opens it, later ones add to it.
    await this.q.query(
      `INSERT INTO report_cases (id, target_type, target_id, author_id, opened_at, last_signal_at, country,
         origin_country, city, evidence)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9)
       ON CONFLICT (target_type, target_id) WHERE status = 'open' DO NOTHING`,
      [
        newId('cas'),
        signal.targetType,
        signal.targetId,
        signal.authorId ?? null,
        signal.at,
        signal.place?.country ?? null,
        signal.place?.originCountry ?? null,
        signal.place?.city ?? null,
        signal.evidence ? JSON.stringify(signal.evidence) : null,
      ],
    );
    const { rows } = await this.q.query<Row>(
      `SELECT * FROM report_cases WHERE target_type = $1 AND target_id = $2 AND status = 'open' FOR UPDATE`,
      [signal.targetType, signal.targetId],
    );
    const current = toRecord(rows[0]!);
    let reportCount = current.reportCount;
    if (signal.report) {
      const added = await this.q.query(
        `INSERT INTO case_reports (id, case_id, reporter_id, reason, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO NOTHING`,
        [signal.report.id, current.id, signal.report.reporterId, signal.report.reason, signal.at],
      );
      const { rows: counted } = await this.q.query<{ n: number }>(
        'SELECT count(DISTINCT reporter_id)::int AS n FROM case_reports WHERE case_id = $1',
        [current.id],
      );
      if (added.rowCount) reportCount = counted[0]!.n;
    }
    const score = Math.max(current.score, signal.flag?.score ?? 0);
    const flagSource = signal.flag?.source ?? current.flagSource;
    const labels = [...new Set([...current.labels, ...(signal.flag?.labels ?? [])])];
    const { rows: updated } = await this.q.query<Row>(
      `UPDATE report_cases SET report_count = $2, score = $3, labels = $4, flag_source = $5, priority = $6,
         last_signal_at = GREATEST(last_signal_at, $7), author_id = COALESCE(author_id, $8),
         country = COALESCE(country, $9), origin_country = COALESCE(origin_country, $10), city = COALESCE(city, $11),
         evidence = COALESCE(evidence, $12)
       WHERE id = $1 RETURNING *`,
      [
        current.id,
        reportCount,
        score,
        labels,
        flagSource,
        priorityOf(reportCount, score, flagSource),
        signal.at,
        signal.authorId ?? null,
        signal.place?.country ?? null,
        signal.place?.originCountry ?? null,
        signal.place?.city ?? null,
        signal.evidence ? JSON.stringify(signal.evidence) : null,
      ],
    );
    return toRecord(updated[0]!);
  }

  async find(id: string, options: { forUpdate?: boolean } = {}) {
    const { rows } = await this.q.query<Row>(
      `SELECT * FROM report_cases WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(filters: CaseListFilters, after: CasePosition | undefined, limit: number) {
    const params = new SqlParams();
    params.and(`status = ${params.add(filters.status)}`);
    if (filters.targetType) params.and(`target_type = ${params.add(filters.targetType)}`);
    if (filters.place?.country) params.and(`country = ${params.add(filters.place.country)}`);
    if (filters.place?.city) params.and(`lower(city) = lower(${params.add(filters.place.city)})`);
    if (after) {
      const [p, o, i] = [params.add(after.priority), params.add(after.openedAt), params.add(after.id)];
      params.and(`(priority < ${p} OR (priority = ${p} AND (opened_at, id) > (${o}, ${i})))`);
    }
    // Highest priority first, then the oldest: the same keyset for open and decided cases.
    const { rows } = await this.q.query<Row>(
      `SELECT * FROM report_cases ${params.where} ORDER BY priority DESC, opened_at, id LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map(toRecord);
  }

  async reasons(caseIds: string[]) {
    const { rows } = await this.q.query<{ case_id: string; reasons: string[] }>(
      `SELECT case_id, array_agg(DISTINCT reason) AS reasons FROM case_reports WHERE case_id = ANY($1) GROUP BY case_id`,
      [caseIds],
    );
    return new Map(rows.map((row) => [row.case_id, row.reasons]));
  }

  async resolve(id: string, resolution: Resolution) {
    const { rows } = await this.q.query<Row>(
      `UPDATE report_cases SET status = 'resolved', resolution = $2, resolved_at = $3 WHERE id = $1 RETURNING *`,
      [id, JSON.stringify({ ...resolution, at: resolution.at.toISOString() }), resolution.at],
    );
    return toRecord(rows[0]!);
  }

  async reopenForAppeal(id: string, appeal: { by: string; statement: string; at: Date }) {
    // An appealed case goes back on top of the queue: the author is waiting for an answer.
    const { rows } = await this.q.query<Row>(
      `UPDATE report_cases SET status = 'open', appeal = $2, priority = priority + 10, last_signal_at = $3
       WHERE id = $1 RETURNING *`,
      [id, JSON.stringify({ ...appeal, at: appeal.at.toISOString() }), appeal.at],
    );
    return toRecord(rows[0]!);
  }

  async concerning(userId: string) {
    const [cases, reports] = await Promise.all([
      this.q.query<Row>(
        `SELECT * FROM report_cases WHERE author_id = $1 OR (target_type = 'user' AND target_id = $1)
         ORDER BY opened_at DESC LIMIT 1000`,
        [userId],
      ),
      this.q.query<{ case_id: string; reason: string; at: Date }>(
        'SELECT case_id, reason, at FROM case_reports WHERE reporter_id = $1 ORDER BY at DESC LIMIT 1000',
        [userId],
      ),
    ]);
    return {
      cases: cases.rows.map(toRecord),
      reports: reports.rows.map((row) => ({ caseId: row.case_id, reason: row.reason, at: row.at })),
    };
  }

  async erase(userId: string, pseudonym: string): Promise<void> {
    await this.q.query('DELETE FROM case_reports WHERE reporter_id = $1', [userId]);
    // Chat messages kept for review are the member's words (as sender) or their conversation (as reporter).
    await this.q.query(
      `UPDATE report_cases SET evidence = NULL
       WHERE target_type = 'message' AND (author_id = $1 OR evidence->>'reporterId' = $1)`,
      [userId],
    );
    await this.q.query(
      `UPDATE report_cases SET author_id = CASE WHEN author_id = $1 THEN $2 ELSE author_id END,
         target_id = CASE WHEN target_type = 'user' AND target_id = $1 THEN $2 ELSE target_id END,
         appeal = CASE WHEN appeal->>'by' = $1 THEN jsonb_build_object('by', $2::text, 'statement', '', 'at', appeal->>'at') ELSE appeal END
       WHERE author_id = $1 OR (target_type = 'user' AND target_id = $1) OR appeal->>'by' = $1`,
      [userId, pseudonym],
    );
  }
}
