import type { Database, Queryable } from '@diaspora/service-kit';

export interface TimelineOwner {
  lastSeenAt: Date;
  builtAt: Date | null;
}

/**
 * Precomputed home timelines (fan-out on write), as Mastodon keeps them in Redis: post ids per member, newest
 * first, capped (soft: trimmed every few fan-outs) and kept only for members who read their feed recently.
 * Others get theirs rebuilt from the people they follow when they come back.
 */
export class TimelineStore {
  private fanOuts = 0;

  constructor(
    private readonly db: Database,
    private readonly options: { activeDays: number; maxItems: number },
  ) {}

  get maxItems(): number {
    return this.options.maxItems;
  }

  async owner(userId: string): Promise<TimelineOwner | null> {
    const { rows } = await this.db.query<{ last_seen_at: Date; built_at: Date | null }>(
      'SELECT last_seen_at, built_at FROM timeline_owners WHERE user_id = $1',
      [userId],
    );
    return rows[0] ? { lastSeenAt: rows[0].last_seen_at, builtAt: rows[0].built_at } : null;
  }

  /** Whether a timeline is current: built, and kept up by fan-out since (its owner stayed active). */
  isCurrent(owner: TimelineOwner | null, now = new Date()): boolean {
    return (
      Boolean(owner?.builtAt) && now.getTime() - owner!.lastSeenAt.getTime() < this.options.activeDays * 86_400_000
    );
  }

  async touch(userId: string): Promise<void> {
    await this.db.query('UPDATE timeline_owners SET last_seen_at = now() WHERE user_id = $1', [userId]);
  }

  /**
   * Empties the timeline and marks its owner active first, so that posts published while it is being rebuilt
   * are fanned out to it: nothing falls between the rebuild's read and its writes.
   */
  async startRebuild(userId: string): Promise<void> {
    await this.db.tx(async (tx) => {
      await tx.query('DELETE FROM timelines WHERE user_id = $1', [userId]);
      await tx.query(
        `INSERT INTO timeline_owners (user_id, last_seen_at, built_at) VALUES ($1, now(), NULL)
         ON CONFLICT (user_id) DO UPDATE SET last_seen_at = now(), built_at = NULL`,
        [userId],
      );
    });
  }

  async finishRebuild(userId: string, entries: { postId: string; authorId: string }[]): Promise<void> {
    await this.db.tx(async (tx) => {
      await this.insert(tx, userId, entries);
      await tx.query('UPDATE timeline_owners SET built_at = now() WHERE user_id = $1', [userId]);
    });
  }

  private async insert(tx: Queryable, userId: string, entries: { postId: string; authorId: string }[]) {
    if (entries.length === 0) return;
    await tx.query(
      `INSERT INTO timelines (user_id, post_id, author_id)
       SELECT $1, p, a FROM unnest($2::text[], $3::text[]) AS e(p, a) ON CONFLICT DO NOTHING`,
      [userId, entries.map((entry) => entry.postId), entries.map((entry) => entry.authorId)],
    );
  }

  /** Post ids of a timeline, newest first, older than the exclusive `before`. */
  async page(userId: string, before: string | undefined, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ post_id: string }>(
      `SELECT post_id FROM timelines WHERE user_id = $1 AND ($2::text IS NULL OR post_id < $2)
       ORDER BY post_id DESC LIMIT $3`,
      [userId, before ?? null, limit],
    );
    return rows.map((row) => row.post_id);
  }

  /**
   * Pushes a new post to its author's and their followers' and connections' timelines — active members only.
   * Returns how many timelines received it.
   */
  async fanOut(tx: Queryable, postId: string, authorId: string): Promise<number> {
    const { rows } = await tx.query<{ user_id: string }>(
      `INSERT INTO timelines (user_id, post_id, author_id)
       SELECT o.user_id, $1, $2 FROM (
         SELECT follower_id AS id FROM follows WHERE followee_id = $2
         UNION SELECT other_id FROM connections WHERE user_id = $2
         UNION SELECT $2
       ) r JOIN timeline_owners o ON o.user_id = r.id
       WHERE o.last_seen_at > now() - make_interval(days => $3)
       ON CONFLICT DO NOTHING RETURNING user_id`,
      [postId, authorId, this.options.activeDays],
    );
    const recipients = rows.map((row) => row.user_id);
    // Trimming costs a short index scan per timeline: amortized over every tenth fan-out (a soft cap).
    this.fanOuts += 1;
    if (recipients.length && this.fanOuts % 10 === 0) await this.trim(tx, recipients);
    return recipients.length;
  }

  async trim(tx: Queryable, userIds: string[]): Promise<void> {
    await tx.query(
      `DELETE FROM timelines t USING (
         SELECT r.user_id, c.post_id AS cutoff FROM unnest($1::text[]) AS r(user_id)
         CROSS JOIN LATERAL (SELECT post_id FROM timelines WHERE user_id = r.user_id
                             ORDER BY post_id DESC OFFSET $2 LIMIT 1) c
       ) d
       WHERE t.user_id = d.user_id AND t.post_id <= d.cutoff`,
      [userIds, this.options.maxItems],
    );
  }

  /** A follow started: the followee's recent posts join an active follower's timeline. */
  async backfill(tx: Queryable, userId: string, entries: { postId: string; authorId: string }[]): Promise<void> {
    const { rowCount } = await tx.query(
      `SELECT 1 FROM timeline_owners WHERE user_id = $1 AND built_at IS NOT NULL
         AND last_seen_at > now() - make_interval(days => $2)`,
      [userId, this.options.activeDays],
    );
    if (rowCount) await this.insert(tx, userId, entries);
  }

  /** A follow ended: the former followee's posts leave the timeline (unless still connected: caller decides). */
  async removeAuthor(tx: Queryable, userId: string, authorId: string): Promise<void> {
    await tx.query('DELETE FROM timelines WHERE user_id = $1 AND author_id = $2', [userId, authorId]);
  }

  async forget(tx: Queryable, userId: string): Promise<void> {
    await tx.query('DELETE FROM timelines WHERE user_id = $1 OR author_id = $1', [userId]);
    await tx.query('DELETE FROM timeline_owners WHERE user_id = $1', [userId]);
  }
}
