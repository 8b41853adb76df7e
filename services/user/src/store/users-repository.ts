import { isUniqueViolation, type Queryable } from '@diaspora/service-kit';
import { EmailTakenError, type NewUser, type UserStore } from '../domain/ports.js';
import type { ProfileChanges, UserRecord } from '../domain/user.js';

const COLUMNS = `id, email, email_verified, phone, phone_verified, password_hash, display_name, bio, avatar_url,
  origin_country, residence_country, residence_city, languages, domains, roles, tier, created_at, updated_at`;

/** Profile field → column; the only columns `updateProfile` may write. */
const PROFILE_COLUMNS: Record<keyof ProfileChanges, string> = {
  displayName: 'display_name',
  bio: 'bio',
  avatarUrl: 'avatar_url',
  originCountry: 'origin_country',
  residenceCountry: 'residence_country',
  residenceCity: 'residence_city',
  languages: 'languages',
  domains: 'domains',
};

function toRecord(row: Record<string, unknown>): UserRecord {
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
    languages: row.languages as string[],
    domains: row.domains as UserRecord['domains'],
    roles: row.roles as UserRecord['roles'],
    tier: row.tier as UserRecord['tier'],
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

export class PgUserStore implements UserStore {
  constructor(private readonly db: Queryable) {}

  async findById(id: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query(`SELECT ${COLUMNS} FROM users WHERE email = $1`, [email]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findManyByIds(ids: string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query(`SELECT ${COLUMNS} FROM users WHERE id = ANY($1::text[])`, [ids]);
    return rows.map(toRecord);
  }

  async insert(user: NewUser): Promise<UserRecord> {
    try {
      const { rows } = await this.db.query(
        `INSERT INTO users (id, email, password_hash, display_name, bio, avatar_url, origin_country,
           residence_country, residence_city, languages, domains)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
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
        ],
      );
      return toRecord(rows[0]!);
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw new EmailTakenError();
      throw error;
    }
  }

  async updateProfile(id: string, changes: ProfileChanges): Promise<UserRecord | null> {
    const entries = Object.entries(changes).filter(([key]) => key in PROFILE_COLUMNS) as [
      keyof ProfileChanges,
      unknown,
    ][];
    const assignments = entries.map(([key], index) => `${PROFILE_COLUMNS[key]} = $${index + 2}`);
    const { rows } = await this.db.query(
      `UPDATE users SET ${[...assignments, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, ...entries.map(([, value]) => value)],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }
}
