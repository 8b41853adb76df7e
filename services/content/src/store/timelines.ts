import type { Queryable } from '@diaspora/service-kit';
import type { TimelineEntry, TimelineOwner, TimelineStore } from '../domain/ports.js';

export interface TimelineSettings {
  activeDays: number;
  maxItems: number;
}

/** Trimming costs a short index scan per timeline: amortized over every tenth fan-out of this process. */
export class TrimSchedule {
  private fanOuts = 0;

  due(): boolean {
    this.fanOuts += 1;
    return this.fanOuts % 10 === 0;
  }
}

/**
 * Precomputed home timelines (fan-out on write), as Mastodon keeps them in Redis: post ids per member, newest
 * first, capped (soft: trimmed every few fan-outs) and kept only for members who read their feed recently.
 * Others get theirs rebuilt from the people they follow when they come back.
 */
export class PgTimelineStore implements TimelineStore {
  constructor(
    private readonly db: Queryable,
    private readonly options: TimelineSettings,
    private readonly trims: TrimSchedule,
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
   * are fanned out to it: nothing falls between the rebuild's read and its writes (commit it before reading).
   */
  async startRebuild(userId: string): Promise<void> {
    await this.db.query('DELETE FROM timelines WHERE user_id = $1', [userId]);
    await this.db.query(
      `INSERT INTO timeline_owners (user_id, last_seen_at, built_at) VALUES ($1, now(), NULL)
       ON CONFLICT (user_id) DO UPDATE SET last_seen_at = now(), built_at = NULL`,
      [userId],
    );
  }

  async finishRebuild(userId: string, entries: TimelineEntry[]): Promise<void> {
    await this.insert(userId, entries);
    await this.db.query('UPDATE timeline_owners SET built_at = now() WHERE user_id = $1', [userId]);
  }

  private async insert(userId: string, entries: TimelineEntry[]) {
    if (entries.length === 0) return;
    await this.db.query(
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
  async fanOut(postId: string, authorId: string): Promise<number> {
    const { rows } = await this.db.query<{ user_id: string }>(
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
    // A soft cap: trimmed every few fan-outs.
    if (this.trims.due() && recipients.length) await this.trim(recipients);
    return recipients.length;
  }

  async trim(userIds: string[]): Promise<void> {
    await this.db.query(
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
  async backfill(userId: string, entries: TimelineEntry[]): Promise<void> {
    const { rowCount } = await this.db.query(
      `SELECT 1 FROM timeline_owners WHERE user_id = $1 AND built_at IS NOT NULL
         AND last_seen_at > now() - make_interval(days => $2)`,
      [userId, this.options.activeDays],
    );
    if (rowCount) await this.insert(userId, entries);
  }

  /** A follow ended: the former followee's posts leave the timeline (unless still connected: caller decides). */
  async removeAuthor(userId: string, authorId: string): Promise<void> {
    await this.db.query('DELETE FROM timelines WHERE user_id = $1 AND author_id = $2', [userId, authorId]);
  }

  async forget(userId: string): Promise<void> {
    await this.db.query('DELETE FROM timelines WHERE user_id = $1 OR author_id = $1', [userId]);
    await this.db.query('DELETE FROM timeline_owners WHERE user_id = $1', [userId]);
  }
}
