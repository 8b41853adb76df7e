import type { Queryable } from '@diaspora/service-kit';
import type { CommunityStore, MemberRecord } from '../domain/ports.js';
import type { Relation } from '../domain/rules.js';

const toMember = (row: Record<string, unknown>): MemberRecord => ({
  userId: row.user_id as string,
  displayName: row.display_name as string,
  ...(row.avatar_url ? { avatarUrl: row.avatar_url as string } : {}),
  ...(row.origin_country ? { originCountry: row.origin_country as string } : {}),
  ...(row.residence_country ? { residenceCountry: row.residence_country as string } : {}),
  ...(row.residence_city ? { residenceCity: row.residence_city as string } : {}),
  languages: (row.languages as string[]) ?? [],
});

interface Graph {
  connected: Set<string>;
  blocked: Set<string>;
  expires: number;
}

/**
 * Viewers' connections and blocks, reused for `cacheMs` by this process (dropped as soon as it consumes a change
 * to them). One per process, shared by the stores of every transaction.
 */
export class GraphCache {
  private readonly graphs = new Map<string, Graph>();

  constructor(readonly cacheMs: number) {}

  get(viewerId: string, now: number): Graph | undefined {
    const cached = this.graphs.get(viewerId);
    return cached && cached.expires > now ? cached : undefined;
  }

  set(viewerId: string, graph: Graph): void {
    if (this.cacheMs <= 0) return;
    if (this.graphs.size >= 50_000) this.graphs.clear();
    this.graphs.set(viewerId, graph);
  }

  invalidate(...userIds: string[]): void {
    for (const id of userIds) this.graphs.delete(id);
  }
}

/**
 * Local read models of the user service's data: members' communities and the social graph (follows,
 * connections, blocks), fed by users.* events and reconciled from the user service's gRPC lists.
 */
export class PgCommunityStore implements CommunityStore {
  constructor(
    private readonly db: Queryable,
    private readonly cache: GraphCache,
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
  async upsertMember(member: MemberRecord, sourceAt: Date): Promise<void> {
    await this.db.query(
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
  async forget(userId: string): Promise<void> {
    this.invalidate(userId);
    await this.db.query('DELETE FROM members WHERE user_id = $1', [userId]);
    await this.db.query('DELETE FROM follows WHERE follower_id = $1 OR followee_id = $1', [userId]);
    await this.db.query('DELETE FROM connections WHERE user_id = $1 OR other_id = $1', [userId]);
    await this.db.query('DELETE FROM blocks WHERE blocker_id = $1 OR blocked_id = $1', [userId]);
  }

  async follow(followerId: string, followeeId: string, on: boolean): Promise<void> {
    await this.db.query(
      on
        ? 'INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING'
        : 'DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2',
      [followerId, followeeId],
    );
  }

  async connect(a: string, b: string, on: boolean): Promise<void> {
    this.invalidate(a, b);
    await this.db.query(
      on
        ? `INSERT INTO connections (user_id, other_id) VALUES ($1, $2), ($2, $1) ON CONFLICT DO NOTHING`
        : 'DELETE FROM connections WHERE (user_id = $1 AND other_id = $2) OR (user_id = $2 AND other_id = $1)',
      [a, b],
    );
  }

  async block(blockerId: string, blockedId: string, on: boolean): Promise<void> {
    this.invalidate(blockerId, blockedId);
    await this.db.query(
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

  async related(userId: string, authorId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2
       UNION ALL SELECT 1 FROM connections WHERE user_id = $1 AND other_id = $2`,
      [userId, authorId],
    );
    return Boolean(rowCount);
  }

  /** Makes the local graph of one member match the user service's (authoritative) lists (in the caller's unit). */
  async replaceOutgoing(userId: string, following: string[], connections: string[]): Promise<void> {
    this.invalidate(userId, ...connections);
    await this.db.query('DELETE FROM follows WHERE follower_id = $1 AND NOT (followee_id = ANY($2::text[]))', [
      userId,
      following,
    ]);
    await this.db.query(
      `INSERT INTO follows (follower_id, followee_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
      [userId, following],
    );
    await this.db.query(
      `DELETE FROM connections WHERE (user_id = $1 AND NOT (other_id = ANY($2::text[])))
         OR (other_id = $1 AND NOT (user_id = ANY($2::text[])))`,
      [userId, connections],
    );
    await this.db.query(
      `INSERT INTO connections (user_id, other_id)
       SELECT $1, c FROM unnest($2::text[]) AS c UNION ALL SELECT c, $1 FROM unnest($2::text[]) AS c
       ON CONFLICT DO NOTHING`,
      [userId, connections],
    );
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
    this.cache.invalidate(...userIds);
  }

  private async viewerGraph(viewerId: string): Promise<Graph> {
    const now = Date.now();
    const cached = this.cache.get(viewerId, now);
    if (cached) return cached;
    const { rows } = await this.db.query<{ id: string; kind: string }>(
      `SELECT other_id AS id, 'connected' AS kind FROM connections WHERE user_id = $1
       UNION ALL SELECT blocked_id, 'blocked' FROM blocks WHERE blocker_id = $1
       UNION ALL SELECT blocker_id, 'blocked' FROM blocks WHERE blocked_id = $1`,
      [viewerId],
    );
    const graph = {
      connected: new Set(rows.filter((row) => row.kind === 'connected').map((row) => row.id)),
      blocked: new Set(rows.filter((row) => row.kind === 'blocked').map((row) => row.id)),
      expires: now + this.cache.cacheMs,
    };
    this.cache.set(viewerId, graph);
    return graph;
  }
}
