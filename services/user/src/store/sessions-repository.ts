import type { Queryable } from '@diaspora/service-kit';
import type { NewRefreshToken, RefreshTokenRecord, SessionStore, SessionSummary } from '../domain/ports.js';

export class PgSessionStore implements SessionStore {
  constructor(private readonly db: Queryable) {}

  async create(token: NewRefreshToken): Promise<void> {
    await this.db.query(
      `INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at, user_agent, ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        token.id,
        token.familyId,
        token.userId,
        token.tokenHash,
        token.expiresAt,
        token.userAgent?.slice(0, 300),
        token.ip,
      ],
    );
  }

  async findForUpdate(tokenHash: Buffer): Promise<RefreshTokenRecord | null> {
    const { rows } = await this.db.query(
      `SELECT id, family_id, user_id, expires_at, rotated_at, revoked_at FROM refresh_tokens
       WHERE token_hash = $1 FOR UPDATE`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id as string,
      familyId: row.family_id as string,
      userId: row.user_id as string,
      expiresAt: row.expires_at as Date,
      rotatedAt: row.rotated_at as Date | null,
      revokedAt: row.revoked_at as Date | null,
    };
  }

  async markRotated(id: string): Promise<void> {
    await this.db.query('UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1', [id]);
  }

  async revokeFamily(familyId: string, reason: string): Promise<number> {
    const { rowCount } = await this.db.query(
      `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2 WHERE family_id = $1 AND revoked_at IS NULL`,
      [familyId, reason],
    );
    return rowCount ?? 0;
  }

  async revokeAllOf(userId: string, reason: string, keepFamilyId?: string): Promise<string[]> {
    const { rows } = await this.db.query<{ family_id: string }>(
      `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2
       WHERE user_id = $1 AND revoked_at IS NULL AND family_id IS DISTINCT FROM $3
       RETURNING family_id`,
      [userId, reason, keepFamilyId ?? null],
    );
    return [...new Set(rows.map((row) => row.family_id))];
  }

  /** One row per live session: its current (unrotated) token, with the family's first login time. */
  async listActive(userId: string): Promise<SessionSummary[]> {
    const { rows } = await this.db.query(
      `SELECT current.family_id, current.created_at AS last_used_at, current.expires_at, current.user_agent,
         host(current.ip) AS ip,
         (SELECT min(created_at) FROM refresh_tokens f WHERE f.family_id = current.family_id) AS started_at
       FROM refresh_tokens current
       WHERE current.user_id = $1 AND current.revoked_at IS NULL AND current.rotated_at IS NULL
         AND current.expires_at > now()
       ORDER BY current.created_at DESC`,
      [userId],
    );
    return rows.map((row) => ({
      id: row.family_id as string,
      startedAt: row.started_at as Date,
      lastUsedAt: row.last_used_at as Date,
      expiresAt: row.expires_at as Date,
      userAgent: row.user_agent as string | null,
      ip: row.ip as string | null,
    }));
  }

  async revokeOwn(userId: string, familyId: string, reason: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $3
       WHERE user_id = $1 AND family_id = $2 AND revoked_at IS NULL`,
      [userId, familyId, reason],
    );
    return (rowCount ?? 0) > 0;
  }

  async deleteAllOf(userId: string): Promise<void> {
    await this.db.query('DELETE FROM refresh_tokens WHERE user_id = $1', [userId]);
  }
}
