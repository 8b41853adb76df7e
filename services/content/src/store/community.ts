import type { Database, Queryable } from '@diaspora/service-kit';
import type { Relation } from '../domain/rules.js';

/** What the content service keeps of a member (from users.* events, or the user service when missing). */
export interface MemberRecord {
  userId: string;
  displayName: string;
  avatarUrl?: string;
  originCountry?: string;
  residenceCountry?: string;
  residenceCity?: string;
  languages: string[];
}

const toMember = (row: Record<string, unknown>): MemberRecord => ({
  userId: row.user_id as string,
  displayName: row.display_name as string,
  ...(row.avatar_url ? { avatarUrl: row.avatar_url as string } : {}),
  ...(row.origin_country ? { originCountry: row.origin_country as string } : {}),
  ...(row.residence_country ? { residenceCountry: row.residence_country as string } : {}),
  ...(row.residence_city ? { residenceCity: row.residence_city as string } : {}),
  languages: (row.languages as string[]) ?? [],
});

/**
 * Local read models of the user service's data: members' communities and the social graph (follows,
 * connections, blocks), fed by users.* events and reconciled from the user service's gRPC lists.
 */
export class CommunityStore {
  private readonly graphs = new Map<string, { connected: Set<string>; blocked: Set<string>; expires: number }>();

  constructor(
    private readonly db: Database,
    private readonly cacheMs = 0,
  ) {}

  async member(userId: string): Promise<MemberRecord | null> {
    const { rows } = await this.db.query('SELECT * FROM members WHERE user_id = $1', [userId]);
    return rows[0] ? toMember(rows[0]) : null;
  }

  async members(userIds: string[]): Promise<MemberRecord[]> {
    if (userIds.length === 0) return [];
    const { rows } = await this.db.query('SELECT * FROM members WHERE user_id = ANY($1::text[])', [userIds]);
    return rows.map(toMember);
  }

  /** Keeps the newest version: an older event (redelivered, reordered) never overwrites a newer one. */
  async upsertMember(tx: Queryable, member: MemberRecord, sourceAt: Date): Promise<void> {
    await tx.query(
      `INSERT INTO members (user_id, display_name, avatar_url, origin_country, residence_country, residence_city,
         languages, source_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, avatar_url = EXCLUDED.avatar_url,
         origin_country = EXCLUDED.origin_country, residence_country = EXCLUDED.residence_country,
         residence_city = EXCLUDED.residence_city, languages = EXCLUDED.languages, source_at = EXCLUDED.source_at
       WHERE members.source_at <= EXCLUDED.source_at`,
      [
        member.userId,
        member.displayName,
        member.avatarUrl ?? null,
        member.originCountry ?? null,
        member.residenceCountry ?? null,
        member.residenceCity ?? null,
        member.languages,
        sourceAt,
      ],
    );
  }

  /** Everything kept about a member, for erasure. */
  async forget(tx: Queryable, userId: string): Promise<void> {
    this.invalidate(userId);
    await tx.query('DELETE FROM members WHERE user_id = $1', [userId]);
    await tx.query('DELETE FROM follows WHERE follower_id = $1 OR followee_id = $1', [userId]);
    await tx.query('DELETE FROM connections WHERE user_id = $1 OR other_id = $1', [userId]);
    await tx.query('DELETE FROM blocks WHERE blocker_id = $1 OR blocked_id = $1', [userId]);
  }

  async follow(tx: Queryable, followerId: string, followeeId: string, on: boolean): Promise<void> {
    await tx.query(
      on
        ? 'INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING'
        : 'DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2',
      [followerId, followeeId],
    );
  }

  async connect(tx: Queryable, a: string, b: string, on: boolean): Promise<void> {
    this.invalidate(a, b);
    await tx.query(
      on
        ? `INSERT INTO connections (user_id, other_id) VALUES ($1, $2), ($2, $1) ON CONFLICT DO NOTHING`
        : 'DELETE FROM connections WHERE (user_id = $1 AND other_id = $2) OR (user_id = $2 AND other_id = $1)',
      [a, b],
    );
  }

  async block(tx: Queryable, blockerId: string, blockedId: string, on: boolean): Promise<void> {
    this.invalidate(blockerId, blockedId);
    await tx.query(
      on
        ? 'INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING'
        : 'DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2',
      [blockerId, blockedId],
    );
  }

  /** The people whose posts belong in a member's timeline: those they follow and their connections. */
  async followedAuthors(userId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT followee_id AS id FROM follows WHERE follower_id = $1
       UNION SELECT other_id FROM connections WHERE user_id = $1`,
      [userId],
    );
    return rows.map((row) => row.id);
  }

  /** Makes the local graph of one member match the user service's (authoritative) lists. */
  async replaceOutgoing(userId: string, following: string[], connections: string[]): Promise<void> {
    this.invalidate(userId, ...connections);
    await this.db.tx(async (tx) => {
      await tx.query('DELETE FROM follows WHERE follower_id = $1 AND NOT (followee_id = ANY($2::text[]))', [
        userId,
        following,
      ]);
      await tx.query(
        `INSERT INTO follows (follower_id, followee_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
        [userId, following],
      );
      await tx.query(
        `DELETE FROM connections WHERE (user_id = $1 AND NOT (other_id = ANY($2::text[])))
           OR (other_id = $1 AND NOT (user_id = ANY($2::text[])))`,
        [userId, connections],
      );
      await tx.query(
        `INSERT INTO connections (user_id, other_id)
         SELECT $1, c FROM unnest($2::text[]) AS c UNION ALL SELECT c, $1 FROM unnest($2::text[]) AS c
         ON CONFLICT DO NOTHING`,
        [userId, connections],
      );
    });
  }

  /**
   * How a viewer relates to each author: connected, and blocked either way. The viewer's connections and blocks
   * are read once and reused for `cacheMs` (this process drops them as soon as it consumes a change to them).
   */
  async relations(viewerId: string, authorIds: string[]): Promise<Map<string, Relation>> {
    const graph = await this.viewerGraph(viewerId);
    return new Map(authorIds.map((id) => [id, { connected: graph.connected.has(id), blocked: graph.blocked.has(id) }]));
  }

  /** Forgets what is cached about a member's connections and blocks (they just changed). */
  invalidate(...userIds: string[]): void {
    for (const id of userIds) this.graphs.delete(id);
  }

  private async viewerGraph(viewerId: string) {
    const now = Date.now();
    const cached = this.graphs.get(viewerId);
    if (cached && cached.expires > now) return cached;
    const { rows } = await this.db.query<{ id: string; kind: string }>(
      `SELECT other_id AS id, 'connected' AS kind FROM connections WHERE user_id = $1
       UNION ALL SELECT blocked_id, 'blocked' FROM blocks WHERE blocker_id = $1
       UNION ALL SELECT blocker_id, 'blocked' FROM blocks WHERE blocked_id = $1`,
      [viewerId],
    );
    const graph = {
      connected: new Set(rows.filter((row) => row.kind === 'connected').map((row) => row.id)),
      blocked: new Set(rows.filter((row) => row.kind === 'blocked').map((row) => row.id)),
      expires: now + this.cacheMs,
    };
    if (this.cacheMs > 0) {
      if (this.graphs.size >= 50_000) this.graphs.clear();
      this.graphs.set(viewerId, graph);
    }
    return graph;
  }
}
