import type { Queryable } from '@diaspora/service-kit';
import type {
  ExportJobRecord,
  ExportStore,
  IdentityStore,
  OAuthIdentityRecord,
  PhoneVerificationRecord,
  TokenPurpose,
  TokenStore,
  VerificationTokenRecord,
} from '../domain/account-ports.js';

export class PgTokenStore implements TokenStore {
  constructor(private readonly db: Queryable) {}

  async insert(token: Omit<VerificationTokenRecord, 'usedAt'> & { tokenHash: Buffer }): Promise<void> {
    await this.db.query(
      `INSERT INTO verification_tokens (id, user_id, purpose, token_hash, email, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [token.id, token.userId, token.purpose, token.tokenHash, token.email, token.expiresAt],
    );
  }

  async findForUpdate(tokenHash: Buffer): Promise<VerificationTokenRecord | null> {
    const { rows } = await this.db.query(
      `SELECT id, user_id, purpose, email, expires_at, used_at FROM verification_tokens
       WHERE token_hash = $1 FOR UPDATE`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id as string,
      userId: row.user_id as string,
      purpose: row.purpose as TokenPurpose,
      email: row.email as string,
      expiresAt: row.expires_at as Date,
      usedAt: row.used_at as Date | null,
    };
  }

  async markUsed(id: string): Promise<void> {
    await this.db.query('UPDATE verification_tokens SET used_at = now() WHERE id = $1', [id]);
  }

  async invalidateAll(userId: string, purpose: TokenPurpose): Promise<void> {
    await this.db.query(
      'UPDATE verification_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL',
      [userId, purpose],
    );
  }

  async startPhone(record: Omit<PhoneVerificationRecord, 'attempts' | 'startedAt'>): Promise<void> {
    await this.db.query(
      `INSERT INTO phone_verifications (user_id, phone, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET phone = EXCLUDED.phone, expires_at = EXCLUDED.expires_at,
         started_at = now(), attempts = 0`,
      [record.userId, record.phone, record.expiresAt],
    );
  }

  async findPhoneForUpdate(userId: string): Promise<PhoneVerificationRecord | null> {
    const { rows } = await this.db.query(
      'SELECT user_id, phone, started_at, expires_at, attempts FROM phone_verifications WHERE user_id = $1 FOR UPDATE',
      [userId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      userId: row.user_id as string,
      phone: row.phone as string,
      startedAt: row.started_at as Date,
      expiresAt: row.expires_at as Date,
      attempts: row.attempts as number,
    };
  }

  async countPhoneAttempt(userId: string): Promise<void> {
    await this.db.query('UPDATE phone_verifications SET attempts = attempts + 1 WHERE user_id = $1', [userId]);
  }

  async clearPhone(userId: string): Promise<void> {
    await this.db.query('DELETE FROM phone_verifications WHERE user_id = $1', [userId]);
  }

  async deleteAllOf(userId: string): Promise<void> {
    await this.db.query('DELETE FROM verification_tokens WHERE user_id = $1', [userId]);
    await this.db.query('DELETE FROM phone_verifications WHERE user_id = $1', [userId]);
  }
}

function toIdentity(row: Record<string, unknown>): OAuthIdentityRecord {
  return {
    provider: row.provider as string,
    subject: row.subject as string,
    userId: row.user_id as string,
    email: row.email as string | null,
    createdAt: row.created_at as Date,
  };
}

export class PgIdentityStore implements IdentityStore {
  constructor(private readonly db: Queryable) {}

  async find(provider: string, subject: string): Promise<OAuthIdentityRecord | null> {
    const { rows } = await this.db.query(
      'SELECT provider, subject, user_id, email, created_at FROM oauth_identities WHERE provider = $1 AND subject = $2',
      [provider, subject],
    );
    return rows[0] ? toIdentity(rows[0]) : null;
  }

  async link(identity: Omit<OAuthIdentityRecord, 'createdAt'>): Promise<void> {
    await this.db.query(
      `INSERT INTO oauth_identities (provider, subject, user_id, email) VALUES ($1, $2, $3, $4)
       ON CONFLICT (provider, subject) DO NOTHING`,
      [identity.provider, identity.subject, identity.userId, identity.email],
    );
  }

  async touch(provider: string, subject: string): Promise<void> {
    await this.db.query('UPDATE oauth_identities SET last_login_at = now() WHERE provider = $1 AND subject = $2', [
      provider,
      subject,
    ]);
  }

  async listOf(userId: string): Promise<OAuthIdentityRecord[]> {
    const { rows } = await this.db.query(
      'SELECT provider, subject, user_id, email, created_at FROM oauth_identities WHERE user_id = $1 ORDER BY created_at',
      [userId],
    );
    return rows.map(toIdentity);
  }

  async deleteAllOf(userId: string): Promise<void> {
    await this.db.query('DELETE FROM oauth_identities WHERE user_id = $1', [userId]);
  }
}

const JOB_COLUMNS = 'id, user_id, status, archive, error, created_at, completed_at';

function toJob(row: Record<string, unknown>): ExportJobRecord {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    status: row.status as ExportJobRecord['status'],
    archive: row.archive,
    error: row.error as string | null,
    createdAt: row.created_at as Date,
    completedAt: row.completed_at as Date | null,
  };
}

export class PgExportStore implements ExportStore {
  constructor(private readonly db: Queryable) {}

  async create(job: { id: string; userId: string }): Promise<ExportJobRecord> {
    const { rows } = await this.db.query(
      `INSERT INTO export_jobs (id, user_id) VALUES ($1, $2) RETURNING ${JOB_COLUMNS}`,
      [job.id, job.userId],
    );
    return toJob(rows[0]!);
  }

  async openJobOf(userId: string): Promise<ExportJobRecord | null> {
    const { rows } = await this.db.query(
      `SELECT ${JOB_COLUMNS} FROM export_jobs WHERE user_id = $1 AND status IN ('pending', 'running')
       ORDER BY created_at DESC LIMIT 1`,
      [userId],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  async find(id: string): Promise<ExportJobRecord | null> {
    const { rows } = await this.db.query(`SELECT ${JOB_COLUMNS} FROM export_jobs WHERE id = $1`, [id]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  async claimNext(staleAfterMs: number): Promise<ExportJobRecord | null> {
    const { rows } = await this.db.query(
      `UPDATE export_jobs SET status = 'running', started_at = now()
       WHERE id = (
         SELECT id FROM export_jobs
         WHERE status = 'pending' OR (status = 'running' AND started_at < now() - make_interval(secs => $1))
         ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING ${JOB_COLUMNS}`,
      [staleAfterMs / 1000],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  async complete(id: string, archive: unknown): Promise<void> {
    await this.db.query(
      `UPDATE export_jobs SET status = 'ready', archive = $2, error = NULL, completed_at = now() WHERE id = $1`,
      [id, JSON.stringify(archive)],
    );
  }

  async fail(id: string, error: string): Promise<void> {
    await this.db.query(`UPDATE export_jobs SET status = 'failed', error = $2, completed_at = now() WHERE id = $1`, [
      id,
      error.slice(0, 500),
    ]);
  }

  async deleteAllOf(userId: string): Promise<void> {
    await this.db.query('DELETE FROM export_jobs WHERE user_id = $1', [userId]);
  }
}
