import { type Queryable, SqlParams } from '@diaspora/service-kit';
import type { IdPage } from '../domain/graph-ports.js';
import type { CommunityFilter, MemberSearch, MemberStore } from '../domain/member-ports.js';
import type { UserRecord } from '../domain/user.js';
import { COLUMNS, toRecord } from './users-repository.js';

/** `LIKE` pattern text matching `text` literally (backslash is PostgreSQL's default LIKE escape). */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

export class PgMemberStore implements MemberStore {
  constructor(private readonly db: Queryable) {}

  async communityIds(filter: CommunityFilter, page: IdPage): Promise<string[]> {
    const params = new SqlParams();
    // Written to match the partial indexes users_active_by_country / users_active_by_city.
    const where = [
      "deleted_at IS NULL AND status = 'active'",
      `residence_country = ${params.add(filter.residenceCountry)}`,
    ];
    if (filter.residenceCity) where.push(`lower(residence_city) = lower(${params.add(filter.residenceCity)})`);
    if (filter.originCountry) where.push(`origin_country = ${params.add(filter.originCountry)}`);
    if (filter.domains.length) where.push(`domains && ${params.add(filter.domains)}::text[]`);
    if (page.after) where.push(`id > ${params.add(page.after)}`);
    const { rows } = await this.db.query(
      `SELECT id FROM users WHERE ${where.join(' AND ')} ORDER BY id LIMIT ${params.add(page.limit)}`,
      params.values,
    );
    return rows.map((row) => row.id as string);
  }

  async matchContactHashes(viewerId: string, emailHashes: string[], phoneHashes: string[]): Promise<string[]> {
    const { rows } = await this.db.query(
      `SELECT id FROM users u
       WHERE u.deleted_at IS NULL AND u.status = 'active' AND u.id <> $1
         AND ((u.findable_by_email AND u.email_verified AND u.email_sha256 = ANY($2::text[]))
           OR (u.findable_by_phone AND u.phone_verified AND u.phone_sha256 = ANY($3::text[])))
         AND NOT EXISTS (
           SELECT 1 FROM blocks b
           WHERE (b.blocker_id = $1 AND b.blocked_id = u.id) OR (b.blocker_id = u.id AND b.blocked_id = $1))
       ORDER BY u.id`,
      [viewerId, emailHashes, phoneHashes],
    );
    return rows.map((row) => row.id as string);
  }

  async search(search: MemberSearch, page: IdPage): Promise<UserRecord[]> {
    const params = new SqlParams();
    const where = ['deleted_at IS NULL'];
    const { reach } = search;
    if (reach.kind !== 'all') where.push(`residence_country = ${params.add(reach.country)}`);
    if (reach.kind === 'city') where.push(`lower(residence_city) = lower(${params.add(reach.city)})`);
    // Each word starts a word of the name: found through the trigram index on the name (infix), rechecked.
    const words = search.words.map((word) => {
      const literal = likeLiteral(word);
      return `lower(display_name) LIKE ${params.add(`%${literal}%`)} AND (' ' || lower(display_name)) LIKE ${params.add(`% ${literal}%`)}`;
    });
    const byName = words.length ? words.join(' AND ') : null;
    const byEmail = search.emailPrefix ? `email LIKE ${params.add(`${likeLiteral(search.emailPrefix)}%`)}` : null;
    if (byName && byEmail) where.push(`((${byName}) OR ${byEmail})`);
    else if (byName ?? byEmail) where.push((byName ?? byEmail)!);
    if (search.residenceCountry) where.push(`residence_country = ${params.add(search.residenceCountry)}`);
    if (search.residenceCity) where.push(`lower(residence_city) = lower(${params.add(search.residenceCity)})`);
    if (search.originCountry) where.push(`origin_country = ${params.add(search.originCountry)}`);
    if (search.role) where.push(`${params.add(search.role)} = ANY(roles)`);
    if (search.status) where.push(`status = ${params.add(search.status)}`);
    if (page.after) where.push(`id < ${params.add(page.after)}`);
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM users WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${params.add(page.limit)}`,
      params.values,
    );
    return rows.map(toRecord);
  }

  async suspend(userId: string, suspension: { reason: string; until: Date | null; by: string }) {
    const { rows } = await this.db.query(
      `UPDATE users SET status = 'suspended', suspension_reason = $2, suspended_until = $3, suspended_by = $4,
         suspended_at = now(), updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
      [userId, suspension.reason, suspension.until, suspension.by],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async reinstate(userId: string) {
    const { rows } = await this.db.query(
      `UPDATE users SET status = 'active', suspension_reason = NULL, suspended_until = NULL, suspended_by = NULL,
         suspended_at = NULL, updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL AND status = 'suspended' RETURNING ${COLUMNS}`,
      [userId],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async lockExpiredSuspensions(now: Date, limit: number): Promise<string[]> {
    const { rows } = await this.db.query(
      `SELECT id FROM users WHERE status = 'suspended' AND suspended_until <= $1 AND deleted_at IS NULL
       ORDER BY suspended_until LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map((row) => row.id as string);
  }
}
