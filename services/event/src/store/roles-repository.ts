import type { Queryable } from '@diaspora/service-kit';
import type { OrganizerRole, RoleStore } from '../domain/ports.js';

function toRole(row: Record<string, unknown>): OrganizerRole {
  return {
    userId: row.user_id as string,
    role: row.role as OrganizerRole['role'],
    country: (row.country as string).trim(),
    city: row.city as string | null,
  };
}

export class PgRoleStore implements RoleStore {
  constructor(private readonly db: Queryable) {}

  async upsert(role: OrganizerRole & { at: Date }): Promise<void> {
    await this.db.query(
      `INSERT INTO organizer_roles (user_id, role, country, city, appointed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, role) DO UPDATE SET country = EXCLUDED.country, city = EXCLUDED.city,
         appointed_at = EXCLUDED.appointed_at WHERE organizer_roles.appointed_at <= EXCLUDED.appointed_at`,
      [role.userId, role.role, role.country, role.city, role.at],
    );
  }

  async remove(userId: string, role: 'ambassador' | 'consul'): Promise<void> {
    await this.db.query('DELETE FROM organizer_roles WHERE user_id = $1 AND role = $2', [userId, role]);
  }

  async find(userId: string, role: 'ambassador' | 'consul'): Promise<OrganizerRole | null> {
    const { rows } = await this.db.query('SELECT * FROM organizer_roles WHERE user_id = $1 AND role = $2', [
      userId,
      role,
    ]);
    return rows[0] ? toRole(rows[0]) : null;
  }

  async consulsIn(country: string): Promise<OrganizerRole[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM organizer_roles WHERE role = 'consul' AND country = $1 ORDER BY city, user_id`,
      [country],
    );
    return rows.map(toRole);
  }

  async removeUser(userId: string): Promise<void> {
    await this.db.query('DELETE FROM organizer_roles WHERE user_id = $1', [userId]);
  }
}
