import type { Queryable } from '@diaspora/service-kit';
import type { ViewerProfile } from '../domain/documents.js';
import type { BlockStore, ViewerStore } from '../domain/ports.js';

/** A member's own scope (origin, residence): used to rank and filter their searches, never shown to others. */
export class PgViewerStore implements ViewerStore {
  constructor(private readonly q: Queryable) {}

  async upsert(profile: ViewerProfile, version: Date): Promise<void> {
    await this.q.query(
      `INSERT INTO search_viewers (user_id, origin_country, residence_country, residence_city, version_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET origin_country = EXCLUDED.origin_country,
         residence_country = EXCLUDED.residence_country, residence_city = EXCLUDED.residence_city,
         version_at = EXCLUDED.version_at
       WHERE search_viewers.version_at <= EXCLUDED.version_at`,
      [
        profile.userId,
        profile.originCountry ?? null,
        profile.residenceCountry ?? null,
        profile.residenceCity ?? null,
        version,
      ],
    );
  }

  async find(userId: string): Promise<ViewerProfile | null> {
    const { rows } = await this.q.query<{
      origin_country: string | null;
      residence_country: string | null;
      residence_city: string | null;
    }>('SELECT origin_country, residence_country, residence_city FROM search_viewers WHERE user_id = $1', [userId]);
    const row = rows[0];
    if (!row) return null;
    return {
      userId,
      ...(row.origin_country ? { originCountry: row.origin_country } : {}),
      ...(row.residence_country ? { residenceCountry: row.residence_country } : {}),
      ...(row.residence_city ? { residenceCity: row.residence_city } : {}),
    };
  }

  async erase(userId: string): Promise<void> {
    await this.q.query('DELETE FROM search_viewers WHERE user_id = $1', [userId]);
  }
}

export class PgBlockStore implements BlockStore {
  constructor(private readonly q: Queryable) {}

  async set(blockerId: string, blockedId: string, active: boolean, at: Date): Promise<void> {
    await this.q.query(
      `INSERT INTO search_blocks (blocker_id, blocked_id, active, version_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (blocker_id, blocked_id) DO UPDATE SET active = EXCLUDED.active, version_at = EXCLUDED.version_at
       WHERE search_blocks.version_at <= EXCLUDED.version_at`,
      [blockerId, blockedId, active, at],
    );
  }

  async excludedFor(userId: string): Promise<string[]> {
    const { rows } = await this.q.query<{ id: string }>(
      `SELECT blocked_id AS id FROM search_blocks WHERE blocker_id = $1 AND active
       UNION SELECT blocker_id FROM search_blocks WHERE blocked_id = $1 AND active`,
      [userId],
    );
    return rows.map((row) => row.id).sort();
  }

  async erase(userId: string): Promise<void> {
    await this.q.query('DELETE FROM search_blocks WHERE blocker_id = $1 OR blocked_id = $1', [userId]);
  }
}
