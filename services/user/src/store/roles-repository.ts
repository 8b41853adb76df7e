import { isUniqueViolation, newId, type Queryable } from '@diaspora/service-kit';
import type { IdPage } from '../domain/graph-ports.js';
import { type AssignmentRecord, type RoleAuditRecord, type RoleStore, RoleTakenError } from '../domain/ports.js';
import type { RoleAssignment } from '../domain/user.js';

const COLUMNS = 'id, user_id, role, country, city, appointed_by, appointed_at';

function toAssignment(row: Record<string, unknown>): AssignmentRecord {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    role: row.role as RoleAssignment['role'],
    country: row.country as string | null,
    city: row.city as string | null,
    appointedBy: row.appointed_by as string,
    appointedAt: row.appointed_at as Date,
  };
}

export class PgRoleStore implements RoleStore {
  constructor(private readonly db: Queryable) {}

  async appoint(assignment: Omit<AssignmentRecord, 'appointedAt'>): Promise<AssignmentRecord> {
    try {
      const { rows } = await this.db.query(
        `INSERT INTO role_assignments (id, user_id, role, country, city, appointed_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [
          assignment.id,
          assignment.userId,
          assignment.role,
          assignment.country,
          assignment.city,
          assignment.appointedBy,
        ],
      );
      return toAssignment(rows[0]!);
    } catch (error) {
      if (isUniqueViolation(error, 'role_assignments_one_active')) throw new RoleTakenError();
      throw error;
    }
  }

  async findActive(userId: string, role: RoleAssignment['role']): Promise<AssignmentRecord | null> {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM role_assignments WHERE user_id = $1 AND role = $2 AND revoked_at IS NULL FOR UPDATE`,
      [userId, role],
    );
    return rows[0] ? toAssignment(rows[0]) : null;
  }

  async revoke(id: string, byUserId: string): Promise<void> {
    await this.db.query(
      'UPDATE role_assignments SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL',
      [id, byUserId],
    );
  }

  async listActive(
    role: 'ambassador' | 'consul',
    filter: { country?: string; city?: string },
  ): Promise<AssignmentRecord[]> {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM role_assignments
       WHERE role = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR country = $2)
         AND ($3::text IS NULL OR lower(city) = lower($3))
       ORDER BY country, city NULLS FIRST, appointed_at LIMIT 1000`,
      [role, filter.country ?? null, filter.city ?? null],
    );
    return rows.map(toAssignment);
  }

  async activeOf(userId: string): Promise<AssignmentRecord[]> {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM role_assignments WHERE user_id = $1 AND revoked_at IS NULL ORDER BY appointed_at`,
      [userId],
    );
    return rows.map(toAssignment);
  }

  async audit(entry: { action: 'appointed' | 'revoked'; assignment: AssignmentRecord; actorId: string }) {
    const { assignment } = entry;
    await this.db.query(
      `INSERT INTO role_audit (id, action, assignment_id, user_id, role, country, city, actor_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        newId('aud'),
        entry.action,
        assignment.id,
        assignment.userId,
        assignment.role,
        assignment.country,
        assignment.city,
        entry.actorId,
      ],
    );
  }

  async auditOf(userId: string): Promise<Record<string, unknown>[]> {
    const { rows } = await this.db.query(
      `SELECT action, role, country, city, actor_id AS "actorId", user_id AS "userId", at FROM role_audit
       WHERE user_id = $1 OR actor_id = $1 ORDER BY at`,
      [userId],
    );
    return rows;
  }

  async auditPage(userId: string | null, page: IdPage): Promise<RoleAuditRecord[]> {
    const { rows } = await this.db.query(
      `SELECT id, at, actor_id, action, user_id, role, country, city FROM role_audit
       WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR id < $2)
       ORDER BY id DESC LIMIT $3`,
      [userId, page.after, page.limit],
    );
    return rows.map((row) => ({
      id: row.id as string,
      at: row.at as Date,
      actorId: row.actor_id as string,
      action: row.action as RoleAuditRecord['action'],
      userId: row.user_id as string,
      role: row.role as RoleAuditRecord['role'],
      country: row.country as string | null,
      city: row.city as string | null,
    }));
  }

  async recordSubscription(entry: { subscriptionId: string; userId: string; active: boolean; at: Date }) {
    // Out-of-order deliveries: an older event never overwrites what a newer one said.
    const { rowCount } = await this.db.query(
      `INSERT INTO premium_subscriptions (subscription_id, user_id, active, event_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (subscription_id) DO UPDATE SET active = EXCLUDED.active, event_at = EXCLUDED.event_at,
         updated_at = now()
       WHERE premium_subscriptions.event_at < EXCLUDED.event_at`,
      [entry.subscriptionId, entry.userId, entry.active, entry.at],
    );
    return rowCount === 1;
  }

  async hasActiveSubscription(userId: string): Promise<boolean> {
    const { rows } = await this.db.query(
      'SELECT EXISTS (SELECT 1 FROM premium_subscriptions WHERE user_id = $1 AND active) AS active',
      [userId],
    );
    return rows[0]!.active as boolean;
  }

  async forgetSubscriptions(userId: string): Promise<void> {
    await this.db.query('DELETE FROM premium_subscriptions WHERE user_id = $1', [userId]);
  }
}
