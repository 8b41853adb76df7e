import { isUniqueViolation, type Queryable, SqlParams } from '@diaspora/service-kit';
import type { GraphCounts } from '../domain/graph-ports.js';
import { EmailTakenError, type NewUser, PhoneTakenError, type UserStore } from '../domain/ports.js';
import {
  DEFAULT_PRIVACY,
  type Discoverability,
  type Privacy,
  type ProfileChanges,
  type UserRecord,
} from '../domain/user.js';
import { countColumns } from './graph-repository.js';

// Active appointments ride along with every read: tokens and views need them, and the index makes it cheap.
export const COLUMNS = `id, email, email_verified, phone, phone_verified, password_hash, display_name, bio, avatar_url,
  origin_country, residence_country, residence_city, residence_lat, residence_lon, languages, domains, privacy,
  who_can_message, roles, tier, created_at, updated_at, time_zone, arrived_at::text AS arrived_at, findable_by_email,
  findable_by_phone, status, suspension_reason, suspended_until, suspended_by, suspended_at,
  (SELECT coalesce(json_agg(json_build_object('role', ra.role, 'country', ra.country, 'city', ra.city)
     ORDER BY ra.appointed_at), '[]'::json)
   FROM role_assignments ra WHERE ra.user_id = users.id AND ra.revoked_at IS NULL) AS assignments`;

// Hot reads, run as named (prepared) statements: parsed and planned once per connection.
const BY_ID = `SELECT ${COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL`;
const WITH_COUNTS = `SELECT ${COLUMNS}, ${countColumns('users.id')} FROM users WHERE id = $1 AND deleted_at IS NULL`;

/** Profile field → column; the only plain columns `updateProfile` may write. */
const PROFILE_COLUMNS: Record<string, string> = {
  displayName: 'display_name',
  bio: 'bio',
  avatarUrl: 'avatar_url',
  originCountry: 'origin_country',
  residenceCountry: 'residence_country',
  residenceCity: 'residence_city',
  languages: 'languages',
  domains: 'domains',
  whoCanMessage: 'who_can_message',
  timeZone: 'time_zone',
  arrivedAt: 'arrived_at',
};

const DISCOVERABILITY_COLUMNS: Record<keyof Discoverability, string> = {
  findableByEmail: 'findable_by_email',
  findableByPhone: 'findable_by_phone',
};

export function toRecord(row: Record<string, unknown>): UserRecord {
  return {
    id: row.id as string,
    email: row.email as string,
    emailVerified: row.email_verified as boolean,
    phone: row.phone as string | null,
    phoneVerified: row.phone_verified as boolean,
    passwordHash: row.password_hash as string | null,
    displayName: row.display_name as string,
    bio: row.bio as string | null,
    avatarUrl: row.avatar_url as string | null,
    originCountry: row.origin_country as string,
    residenceCountry: row.residence_country as string,
    residenceCity: row.residence_city as string,
    coordinates:
      row.residence_lat === null ? null : { lat: row.residence_lat as number, lon: row.residence_lon as number },
    languages: row.languages as string[],
    domains: row.domains as UserRecord['domains'],
    timeZone: row.time_zone as string,
    arrivedAt: row.arrived_at as string | null,
    privacy: { ...DEFAULT_PRIVACY, ...(row.privacy as Partial<Privacy>) },
    discoverability: {
      findableByEmail: row.findable_by_email as boolean,
      findableByPhone: row.findable_by_phone as boolean,
    },
    whoCanMessage: row.who_can_message as UserRecord['whoCanMessage'],
    status: row.status as UserRecord['status'],
    suspension:
      row.status === 'suspended'
        ? {
            reason: row.suspension_reason as string,
            until: row.suspended_until as Date | null,
            by: row.suspended_by as string,
            at: row.suspended_at as Date,
          }
        : null,
    roles: row.roles as UserRecord['roles'],
    assignments: row.assignments as UserRecord['assignments'],
    tier: row.tier as UserRecord['tier'],
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

export class PgUserStore implements UserStore {
  constructor(private readonly db: Queryable) {}

  async findById(id: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query({ name: 'users-by-id', text: BY_ID, values: [id] });
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findWithCounts(id: string): Promise<{ user: UserRecord; counts: GraphCounts } | null> {
    const { rows } = await this.db.query({ name: 'users-with-counts', text: WITH_COUNTS, values: [id] });
    const row = rows[0];
    if (!row) return null;
    const { followers, following, connections } = row as unknown as GraphCounts;
    return { user: toRecord(row), counts: { followers, following, connections } };
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query(`SELECT ${COLUMNS} FROM users WHERE email = $1 AND deleted_at IS NULL`, [
      email,
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findManyByIds(ids: string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM users WHERE id = ANY($1::text[]) AND deleted_at IS NULL`,
      [ids],
    );
    return rows.map(toRecord);
  }

  async lock(id: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async lockEmail(email: string): Promise<void> {
    await this.db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`email:${email}`]);
  }

  async insert(user: NewUser): Promise<UserRecord> {
    try {
      const { rows } = await this.db.query(
        `INSERT INTO users (id, email, password_hash, display_name, bio, avatar_url, origin_country,
           residence_country, residence_city, languages, domains, email_verified, email_verified_at, time_zone,
           arrived_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $12 THEN now() END, $13, $14)
         RETURNING ${COLUMNS}`,
        [
          user.id,
          user.email,
          user.passwordHash,
          user.displayName,
          user.bio,
          user.avatarUrl,
          user.originCountry,
          user.residenceCountry,
          user.residenceCity,
          user.languages,
          user.domains,
          user.emailVerified ?? false,
          user.timeZone ?? 'UTC',
          user.arrivedAt ?? null,
        ],
      );
      return toRecord(rows[0]!);
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw new EmailTakenError();
      throw error;
    }
  }

  async updateProfile(id: string, changes: ProfileChanges): Promise<UserRecord | null> {
    const params = new SqlParams();
    const where = `id = ${params.add(id)} AND deleted_at IS NULL`;
    const assignments: string[] = [];
    for (const [key, value] of Object.entries(changes)) {
      const column = PROFILE_COLUMNS[key];
      if (column && value !== undefined) assignments.push(`${column} = ${params.add(value)}`);
    }
    if (changes.coordinates !== undefined) {
      assignments.push(`residence_lat = ${params.add(changes.coordinates?.lat ?? null)}`);
      assignments.push(`residence_lon = ${params.add(changes.coordinates?.lon ?? null)}`);
    }
    for (const [key, value] of Object.entries(changes.discoverability ?? {})) {
      const column = DISCOVERABILITY_COLUMNS[key as keyof Discoverability];
      if (column && value !== undefined) assignments.push(`${column} = ${params.add(value)}`);
    }
    if (changes.privacy) assignments.push(`privacy = privacy || ${params.add(JSON.stringify(changes.privacy))}::jsonb`);
    const { rows } = await this.db.query(
      `UPDATE users SET ${[...assignments, 'updated_at = now()'].join(', ')} WHERE ${where} RETURNING ${COLUMNS}`,
      params.values,
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [id, passwordHash]);
  }

  async markEmailVerified(id: string, email: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE users SET email_verified = true, email_verified_at = coalesce(email_verified_at, now()),
         updated_at = now()
       WHERE id = $1 AND email = $2 AND deleted_at IS NULL`,
      [id, email],
    );
    return rowCount === 1;
  }

  async setVerifiedPhone(id: string, phone: string): Promise<void> {
    try {
      await this.db.query(
        `UPDATE users SET phone = $2, phone_verified = true, phone_verified_at = now(), updated_at = now()
         WHERE id = $1`,
        [id, phone],
      );
    } catch (error) {
      if (isUniqueViolation(error, 'users_verified_phone_key')) throw new PhoneTakenError();
      throw error;
    }
  }

  async setTier(id: string, tier: 'free' | 'premium'): Promise<void> {
    await this.db.query('UPDATE users SET tier = $2, updated_at = now() WHERE id = $1', [id, tier]);
  }

  async refreshRoles(id: string): Promise<UserRecord> {
    const { rows } = await this.db.query(
      `UPDATE users SET roles = ARRAY(
         SELECT role FROM (
           SELECT ra.role, CASE ra.role WHEN 'super' THEN 1 WHEN 'ambassador' THEN 2 ELSE 3 END AS rank
           FROM role_assignments ra WHERE ra.user_id = users.id AND ra.revoked_at IS NULL
           UNION ALL
           SELECT CASE WHEN users.tier = 'premium' THEN 'premium' ELSE 'regular' END, 4
         ) held ORDER BY rank),
         updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return toRecord(rows[0]!);
  }

  async anonymize(id: string): Promise<void> {
    // The address becomes free to register again; the row stays so other services' references resolve to
    // "an erased member" instead of dangling.
    await this.db.query(
      `UPDATE users SET email = 'erased+' || id || '@erased.invalid', email_verified = false, email_verified_at = NULL,
         phone = NULL, phone_verified = false, phone_verified_at = NULL, password_hash = NULL,
         display_name = 'Erased member', bio = NULL, avatar_url = NULL, origin_country = 'ZZ',
         residence_country = 'ZZ', residence_city = '-',
         residence_lat = NULL, residence_lon = NULL, languages = '{}', domains = '{}', privacy = '{}',
         who_can_message = 'nobody', roles = '{}', tier = 'free', time_zone = 'UTC', arrived_at = NULL,
         findable_by_email = false, findable_by_phone = false, status = 'active', suspension_reason = NULL,
         suspended_until = NULL, suspended_by = NULL, suspended_at = NULL, deleted_at = now(), updated_at = now()
       WHERE id = $1`,
      [id],
    );
  }
}
