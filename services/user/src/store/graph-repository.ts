import type { Queryable } from '@diaspora/service-kit';
import type {
  ConnectionRequest,
  ConnectionRequestStatus,
  GraphCounts,
  GraphStore,
  IdPage,
  Relationship,
} from '../domain/graph-ports.js';

const REQUEST_COLUMNS = 'id, from_user_id, to_user_id, status, created_at, decided_at';

function toRequest(row: Record<string, unknown>): ConnectionRequest {
  return {
    id: row.id as string,
    fromUserId: row.from_user_id as string,
    toUserId: row.to_user_id as string,
    status: row.status as ConnectionRequestStatus,
    createdAt: row.created_at as Date,
    decidedAt: row.decided_at as Date | null,
  };
}

/** A member's follower, following and connection counts as select-list columns (`user`: an id expression). */
export const countColumns = (
  user: string,
) => `(SELECT count(*) FROM follows WHERE followee_id = ${user})::int AS followers,
  (SELECT count(*) FROM follows WHERE follower_id = ${user})::int AS following,
  (SELECT count(*) FROM connections WHERE user_id = ${user})::int AS connections`;

export class PgGraphStore implements GraphStore {
  constructor(private readonly db: Queryable) {}

  async lockPair(a: string, b: string): Promise<void> {
    const [first, second] = a < b ? [a, b] : [b, a];
    await this.db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`graph:${first}:${second}`]);
  }

  async relationship(viewerId: string, targetId: string): Promise<Relationship> {
    const { rows } = await this.db.query(
      `SELECT
         EXISTS (SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2) AS following,
         EXISTS (SELECT 1 FROM follows WHERE follower_id = $2 AND followee_id = $1) AS followed_by,
         EXISTS (SELECT 1 FROM connections WHERE user_id = $1 AND other_id = $2) AS connected,
         EXISTS (SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2) AS blocking,
         EXISTS (SELECT 1 FROM blocks WHERE blocker_id = $2 AND blocked_id = $1) AS blocked_by`,
      [viewerId, targetId],
    );
    const row = rows[0]!;
    const pending = await this.db.query(
      `SELECT ${REQUEST_COLUMNS} FROM connection_requests WHERE status = 'pending'
         AND ((from_user_id = $1 AND to_user_id = $2) OR (from_user_id = $2 AND to_user_id = $1))`,
      [viewerId, targetId],
    );
    return {
      following: row.following as boolean,
      followedBy: row.followed_by as boolean,
      connected: row.connected as boolean,
      blocking: row.blocking as boolean,
      blockedBy: row.blocked_by as boolean,
      pendingRequest: pending.rows[0] ? toRequest(pending.rows[0]) : null,
    };
  }

  async connectedAmong(userId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.db.query(
      'SELECT other_id FROM connections WHERE user_id = $1 AND other_id = ANY($2::text[])',
      [userId, ids],
    );
    return new Set(rows.map((row) => row.other_id as string));
  }

  async blockedAmong(userId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.db.query(
      `SELECT blocked_id AS id FROM blocks WHERE blocker_id = $1 AND blocked_id = ANY($2::text[])
       UNION SELECT blocker_id FROM blocks WHERE blocked_id = $1 AND blocker_id = ANY($2::text[])`,
      [userId, ids],
    );
    return new Set(rows.map((row) => row.id as string));
  }

  async counts(userId: string): Promise<GraphCounts> {
    const { rows } = await this.db.query(`SELECT ${countColumns('$1')}`, [userId]);
    return rows[0] as unknown as GraphCounts;
  }

  async follow(followerId: string, followeeId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [followerId, followeeId],
    );
    return rowCount === 1;
  }

  async unfollow(followerId: string, followeeId: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2', [
      followerId,
      followeeId,
    ]);
    return rowCount === 1;
  }

  followerIds(userId: string, page: IdPage): Promise<string[]> {
    return this.ids('SELECT follower_id AS id FROM follows WHERE followee_id = $1', 'follower_id', userId, page);
  }

  followingIds(userId: string, page: IdPage): Promise<string[]> {
    return this.ids('SELECT followee_id AS id FROM follows WHERE follower_id = $1', 'followee_id', userId, page);
  }

  connectionIds(userId: string, page: IdPage): Promise<string[]> {
    return this.ids('SELECT other_id AS id FROM connections WHERE user_id = $1', 'other_id', userId, page);
  }

  blockedIds(blockerId: string, page: IdPage): Promise<string[]> {
    return this.ids('SELECT blocked_id AS id FROM blocks WHERE blocker_id = $1', 'blocked_id', blockerId, page);
  }

  /** Keyset paging on the related id: stable under concurrent inserts, no offsets. */
  private async ids(select: string, column: string, userId: string, page: IdPage): Promise<string[]> {
    const { rows } = await this.db.query(
      `${select} AND ($2::text IS NULL OR ${column} > $2) ORDER BY ${column} LIMIT $3`,
      [userId, page.after, page.limit],
    );
    return rows.map((row) => row.id as string);
  }

  async findRequest(id: string): Promise<ConnectionRequest | null> {
    const { rows } = await this.db.query(`SELECT ${REQUEST_COLUMNS} FROM connection_requests WHERE id = $1`, [id]);
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async insertRequest(request: { id: string; fromUserId: string; toUserId: string }): Promise<ConnectionRequest> {
    const { rows } = await this.db.query(
      `INSERT INTO connection_requests (id, from_user_id, to_user_id) VALUES ($1, $2, $3)
       RETURNING ${REQUEST_COLUMNS}`,
      [request.id, request.fromUserId, request.toUserId],
    );
    return toRequest(rows[0]!);
  }

  async decideRequest(id: string, status: Exclude<ConnectionRequestStatus, 'pending'>): Promise<ConnectionRequest> {
    const { rows } = await this.db.query(
      `UPDATE connection_requests SET status = $2, decided_at = now() WHERE id = $1 RETURNING ${REQUEST_COLUMNS}`,
      [id, status],
    );
    return toRequest(rows[0]!);
  }

  async pendingRequests(userId: string, direction: 'incoming' | 'outgoing', page: IdPage) {
    const column = direction === 'incoming' ? 'to_user_id' : 'from_user_id';
    const { rows } = await this.db.query(
      `SELECT ${REQUEST_COLUMNS} FROM connection_requests
       WHERE ${column} = $1 AND status = 'pending' AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [userId, page.after, page.limit],
    );
    return rows.map(toRequest);
  }

  async connect(a: string, b: string, requestId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO connections (user_id, other_id, request_id) VALUES ($1, $2, $3), ($2, $1, $3)
       ON CONFLICT DO NOTHING`,
      [a, b, requestId],
    );
  }

  async disconnect(a: string, b: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'DELETE FROM connections WHERE (user_id = $1 AND other_id = $2) OR (user_id = $2 AND other_id = $1)',
      [a, b],
    );
    return (rowCount ?? 0) > 0;
  }

  async block(blockerId: string, blockedId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [blockerId, blockedId],
    );
    return rowCount === 1;
  }

  async unblock(blockerId: string, blockedId: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [
      blockerId,
      blockedId,
    ]);
    return rowCount === 1;
  }

  async exportOf(userId: string): Promise<Record<string, unknown>> {
    const list = async (sql: string) => (await this.db.query(sql, [userId])).rows;
    return {
      following: await list(
        'SELECT followee_id AS "userId", created_at AS "since" FROM follows WHERE follower_id = $1',
      ),
      followers: await list(
        'SELECT follower_id AS "userId", created_at AS "since" FROM follows WHERE followee_id = $1',
      ),
      connections: await list('SELECT other_id AS "userId", created_at AS "since" FROM connections WHERE user_id = $1'),
      connectionRequests: (
        await list(
          `SELECT ${REQUEST_COLUMNS} FROM connection_requests WHERE from_user_id = $1 OR to_user_id = $1
           ORDER BY created_at`,
        )
      ).map(toRequest),
      blocked: await list('SELECT blocked_id AS "userId", created_at AS "since" FROM blocks WHERE blocker_id = $1'),
    };
  }

  async eraseUser(userId: string): Promise<void> {
    await this.db.query('DELETE FROM follows WHERE follower_id = $1 OR followee_id = $1', [userId]);
    await this.db.query('DELETE FROM connections WHERE user_id = $1 OR other_id = $1', [userId]);
    await this.db.query('DELETE FROM connection_requests WHERE from_user_id = $1 OR to_user_id = $1', [userId]);
    await this.db.query('DELETE FROM blocks WHERE blocker_id = $1 OR blocked_id = $1', [userId]);
  }
}
