import type { Queryable } from '@diaspora/service-kit';
import type { MemberRecord, MemberStore } from '../domain/ports.js';

type Row = {
  user_id: string;
  display_name: string;
  origin_country: string;
  residence_country: string;
  residence_city: string;
  registered_at: Date | null;
  status: MemberRecord['status'];
};

export class PgMemberStore implements MemberStore {
  constructor(private readonly q: Queryable) {}

  /** True when the member is new to this read model. */
  async upsert(member: Omit<MemberRecord, 'status' | 'registeredAt'> & { registeredAt?: Date }): Promise<boolean> {
    const { rows } = await this.q.query<{ inserted: boolean }>(
      `INSERT INTO members (user_id, display_name, origin_country, residence_country, residence_city, registered_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id) DO UPDATE SET display_name = $2, origin_country = $3, residence_country = $4,
         residence_city = $5, registered_at = COALESCE(members.registered_at, $6), updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [
        member.userId,
        member.displayName,
        member.originCountry,
        member.residenceCountry,
        member.residenceCity,
        member.registeredAt ?? null,
      ],
    );
    return rows[0]?.inserted ?? false;
  }

  async find(userId: string): Promise<MemberRecord | null> {
    const { rows } = await this.q.query<Row>('SELECT * FROM members WHERE user_id = $1', [userId]);
    const row = rows[0];
    return row
      ? {
          userId: row.user_id,
          displayName: row.display_name,
          originCountry: row.origin_country,
          residenceCountry: row.residence_country,
          residenceCity: row.residence_city,
          registeredAt: row.registered_at,
          status: row.status,
        }
      : null;
  }

  async setStatus(userId: string, status: MemberRecord['status']): Promise<void> {
    await this.q.query(
      `INSERT INTO members (user_id, status) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET status = $2, updated_at = now()`,
      [userId, status],
    );
  }

  async remove(userId: string): Promise<void> {
    await this.q.query('DELETE FROM members WHERE user_id = $1', [userId]);
  }
}
