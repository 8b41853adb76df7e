import { type Database, enqueueEnvelopes, SqlParams } from '@diaspora/service-kit';
import { type Comment, isVisibleState, type Post, type Report, type TargetType } from '../../domain/model.js';
import type {
  ContentStore,
  IdPage,
  ModerationTransition,
  Outgoing,
  PostChanges,
  PostFilter,
  QueueFilter,
  UserContentExport,
} from '../../domain/ports.js';
import { cityKeyOf, commentFromDoc, postFromDoc, reportFromRow } from './codec.js';
import { eraseMember, exportMember } from './postgres-gdpr.js';
import { COMMENT_COLUMNS, listing, POST_COLUMNS, scopeCondition, VISIBLE } from './postgres-queries.js';

type Row = Record<string, unknown>;

const toPost = (row: Row) =>
  postFromDoc(row.doc as Row, {
    state: row.state as string,
    reportCount: row.report_count as number,
    likeCount: row.like_count as number,
    commentCount: row.comment_count as number,
    shareCount: row.share_count as number,
    version: row.version as number,
    deletedAt: row.deleted_at as Date | null,
  });
const toComment = (row: Row) =>
  commentFromDoc(row.doc as Row, {
    state: row.state as string,
    reportCount: row.report_count as number,
    deletedAt: row.deleted_at as Date | null,
  });

/** Content store on this service's PostgreSQL database: JSONB documents, one transaction per operation. */
export class PostgresContentStore implements ContentStore {
  readonly kind = 'postgres';

  constructor(private readonly db: Database) {}

  async init(): Promise<void> {
    // Tables come from the service's migrations.
  }

  ping(): Promise<void> {
    return this.db.ping();
  }

  async drainEvents(): Promise<void> {
    // Events are written to the outbox in each operation's transaction.
  }

  async close(): Promise<void> {}

  insertPost(post: Post, events: Outgoing): Promise<void> {
    return this.db.tx(async (tx) => {
      await tx.query(
        `INSERT INTO content_posts (id, author_id, state, visibility, origin_country, residence_country, city_key,
           language, domain, lat, lon, shared_post_id, version, created_at, doc)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          post.id,
          post.authorId,
          post.moderation.state,
          post.visibility,
          post.originCountry ?? null,
          post.residenceCountry ?? null,
          cityKeyOf(post),
          post.language,
          post.domain ?? null,
          post.location?.lat ?? null,
          post.location?.lon ?? null,
          post.sharedPostId ?? null,
          post.version,
          post.createdAt,
          JSON.stringify(post),
        ],
      );
      if (post.sharedPostId)
        await tx.query('UPDATE content_posts SET share_count = share_count + 1 WHERE id = $1', [post.sharedPostId]);
      await enqueueEnvelopes(tx, events);
    });
  }

  async getPost(id: string): Promise<Post | null> {
    const { rows } = await this.db.query(`SELECT ${POST_COLUMNS} FROM content_posts WHERE id = $1`, [id]);
    return rows[0] ? toPost(rows[0]) : null;
  }

  async getPosts(ids: string[]): Promise<Post[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query(`SELECT ${POST_COLUMNS} FROM content_posts WHERE id = ANY($1::text[])`, [ids]);
    return rows.map(toPost);
  }

  updatePost(id: string, expectedVersion: number, changes: PostChanges, events: Outgoing): Promise<boolean> {
    return this.db.tx(async (tx) => {
      const params = new SqlParams();
      const set: string[] = [];
      const patch: Row = {};
      for (const key of ['text', 'tags', 'mentions', 'links', 'language', 'visibility', 'history'] as const)
        if (changes[key] !== undefined) patch[key] = changes[key];
      if (changes.domain !== undefined) patch.domain = changes.domain;
      if (changes.editedAt) patch.editedAt = changes.editedAt.toISOString();
      if (changes.publishedAt) patch.publishedAt = changes.publishedAt.toISOString();
      if (changes.moderation) {
        const { state: _state, reportCount: _count, ...details } = changes.moderation;
        patch.moderation = details;
        set.push(`state = ${params.add(changes.moderation.state)}`);
      }
      if (changes.language) set.push(`language = ${params.add(changes.language)}`);
      if (changes.visibility) set.push(`visibility = ${params.add(changes.visibility)}`);
      if (changes.domain !== undefined) set.push(`domain = ${params.add(changes.domain)}`);
      if (changes.deletedAt) set.push(`deleted_at = ${params.add(changes.deletedAt)}`);
      set.push(`doc = doc || ${params.add(JSON.stringify(patch))}::jsonb`);
      const { rowCount } = await tx.query(
        `UPDATE content_posts SET ${set.join(', ')}, version = version + 1
         WHERE id = ${params.add(id)} AND version = ${params.add(expectedVersion)}`,
        params.values,
      );
      if (rowCount !== 1) return false;
      await enqueueEnvelopes(tx, events);
      return true;
    });
  }

  async listPosts(filter: PostFilter, page: IdPage): Promise<Post[]> {
    const params = new SqlParams();
    const { rows } = await this.db.query(
      `SELECT ${POST_COLUMNS} FROM content_posts ${listing(params, filter, page)}`,
      params.values,
    );
    return rows.map(toPost);
  }

  async listPostsMany(filters: PostFilter[], page: IdPage): Promise<Post[][]> {
    if (filters.length <= 1) return Promise.all(filters.map((filter) => this.listPosts(filter, page)));
    // One round trip: each listing stays its own index scan with its own LIMIT.
    const params = new SqlParams();
    const sql = filters
      .map(
        (filter, i) => `(SELECT ${i} AS listing, ${POST_COLUMNS} FROM content_posts ${listing(params, filter, page)})`,
      )
      .join(' UNION ALL ');
    const { rows } = await this.db.query(sql, params.values);
    const lists: Post[][] = filters.map(() => []);
    for (const row of rows) lists[row.listing as number]!.push(toPost(row));
    return lists;
  }

  /** The page of timeline entries is cut before the join: only `limit` posts are looked up, not all 400. */
  async readTimeline(userId: string, before: string | undefined, limit: number) {
    const { rows } = await this.db.query(
      `SELECT t.post_id, ${POST_COLUMNS.split(', ')
        .map((column) => `p.${column}`)
        .join(', ')}
       FROM (SELECT post_id FROM timelines WHERE user_id = $1 AND ($2::text IS NULL OR post_id < $2)
             ORDER BY post_id DESC LIMIT $3) t
       LEFT JOIN content_posts p ON p.id = t.post_id ORDER BY t.post_id DESC`,
      [userId, before ?? null, limit],
    );
    return rows.map((row) => ({ id: row.post_id as string, post: row.doc ? toPost(row) : null }));
  }

  insertComment(comment: Comment, events: Outgoing): Promise<void> {
    return this.db.tx(async (tx) => {
      await tx.query(
        `INSERT INTO content_comments (id, post_id, author_id, parent_id, state, origin_country, residence_country,
           city_key, created_at, doc)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          comment.id,
          comment.postId,
          comment.authorId,
          comment.parentId ?? null,
          comment.moderation.state,
          comment.originCountry ?? null,
          comment.residenceCountry ?? null,
          cityKeyOf(comment),
          comment.createdAt,
          JSON.stringify(comment),
        ],
      );
      if (isVisibleState(comment.moderation.state))
        await tx.query('UPDATE content_posts SET comment_count = comment_count + 1 WHERE id = $1', [comment.postId]);
      await enqueueEnvelopes(tx, events);
    });
  }

  async getComment(id: string): Promise<Comment | null> {
    const { rows } = await this.db.query(`SELECT ${COMMENT_COLUMNS} FROM content_comments WHERE id = $1`, [id]);
    return rows[0] ? toComment(rows[0]) : null;
  }

  async listComments(postId: string, page: { after?: string; limit: number }): Promise<Comment[]> {
    const { rows } = await this.db.query(
      `SELECT ${COMMENT_COLUMNS} FROM content_comments
       WHERE post_id = $1 AND ${VISIBLE} AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [postId, page.after ?? null, page.limit],
    );
    return rows.map(toComment);
  }

  deleteComment(id: string, at: Date, events: Outgoing): Promise<boolean> {
    return this.db.tx(async (tx) => {
      const { rows } = await tx.query<{ post_id: string; state: string }>(
        `UPDATE content_comments SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING post_id, state`,
        [id, at],
      );
      const row = rows[0];
      if (!row) return false;
      if (isVisibleState(row.state as Comment['moderation']['state']))
        await tx.query('UPDATE content_posts SET comment_count = comment_count - 1 WHERE id = $1', [row.post_id]);
      await enqueueEnvelopes(tx, events);
      return true;
    });
  }

  transition(target: TargetType, id: string, change: ModerationTransition, events: Outgoing): Promise<boolean> {
    const table = target === 'post' ? 'content_posts' : 'content_comments';
    return this.db.tx(async (tx) => {
      const { rows } = await tx.query<{ state: string; post_id?: string }>(
        `SELECT state${target === 'comment' ? ', post_id' : ''} FROM ${table}
         WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
        [id],
      );
      const before = rows[0];
      if (!before || !change.from.includes(before.state as Post['moderation']['state'])) return false;
      const details: Row = {};
      if (change.moderatedBy) details.moderatedBy = change.moderatedBy;
      if (change.moderatedAt) details.moderatedAt = change.moderatedAt.toISOString();
      const published = target === 'post' && change.publishedAt ? change.publishedAt.toISOString() : null;
      await tx.query(
        `UPDATE ${table} SET state = $2,
           report_count = CASE WHEN $3 THEN 0 ELSE report_count END,
           doc = jsonb_set(doc, '{moderation}', coalesce(doc->'moderation', '{}'::jsonb) || $4::jsonb)
             || CASE WHEN $5::text IS NOT NULL AND NOT doc ? 'publishedAt'
                     THEN jsonb_build_object('publishedAt', $5::text) ELSE '{}'::jsonb END
           ${target === 'post' ? ', version = version + 1' : ''}
         WHERE id = $1`,
        [id, change.to, change.resetReports ?? false, JSON.stringify(details), published],
      );
      if (target === 'comment') {
        const wasCounted = isVisibleState(before.state as Post['moderation']['state']);
        const counted = isVisibleState(change.to);
        if (wasCounted !== counted)
          await tx.query('UPDATE content_posts SET comment_count = comment_count + $2 WHERE id = $1', [
            before.post_id,
            counted ? 1 : -1,
          ]);
      }
      await enqueueEnvelopes(tx, events);
      return true;
    });
  }

  async listQueue(target: TargetType, filter: QueueFilter, page: IdPage): Promise<(Post | Comment)[]> {
    const where = new SqlParams();
    where.and('deleted_at IS NULL').and(`state = ANY(${where.add(filter.states)}::text[])`);
    scopeCondition(where, filter.scope);
    if (page.before) where.and(`id < ${where.add(page.before)}`);
    const table = target === 'post' ? 'content_posts' : 'content_comments';
    const { rows } = await this.db.query(
      `SELECT ${target === 'post' ? POST_COLUMNS : COMMENT_COLUMNS} FROM ${table} ${where.where}
       ORDER BY id DESC LIMIT ${where.add(page.limit)}`,
      where.values,
    );
    return target === 'post' ? rows.map(toPost) : rows.map(toComment);
  }

  addLike(postId: string, userId: string, at: Date, events: Outgoing): Promise<boolean> {
    return this.db.tx(async (tx) => {
      const { rowCount } = await tx.query(
        'INSERT INTO content_likes (post_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [postId, userId, at],
      );
      if (rowCount !== 1) return false;
      await tx.query('UPDATE content_posts SET like_count = like_count + 1 WHERE id = $1', [postId]);
      await enqueueEnvelopes(tx, events);
      return true;
    });
  }

  removeLike(postId: string, userId: string): Promise<boolean> {
    return this.db.tx(async (tx) => {
      const { rowCount } = await tx.query('DELETE FROM content_likes WHERE post_id = $1 AND user_id = $2', [
        postId,
        userId,
      ]);
      if (rowCount !== 1) return false;
      await tx.query('UPDATE content_posts SET like_count = like_count - 1 WHERE id = $1', [postId]);
      return true;
    });
  }

  async likedBy(userId: string, postIds: string[]): Promise<Set<string>> {
    if (postIds.length === 0) return new Set();
    const { rows } = await this.db.query<{ post_id: string }>(
      'SELECT post_id FROM content_likes WHERE user_id = $1 AND post_id = ANY($2::text[])',
      [userId, postIds],
    );
    return new Set(rows.map((row) => row.post_id));
  }

  addReport(report: Report, events: Outgoing) {
    const table = report.targetType === 'post' ? 'content_posts' : 'content_comments';
    return this.db.tx(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO content_reports (id, target_type, target_id, reporter_id, reason, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (target_type, target_id, reporter_id) DO NOTHING RETURNING *`,
        [report.id, report.targetType, report.targetId, report.reporterId, report.reason, report.createdAt],
      );
      if (inserted.rows[0]) {
        const { rows } = await tx.query<{ report_count: number }>(
          `UPDATE ${table} SET report_count = report_count + 1 WHERE id = $1 RETURNING report_count`,
          [report.targetId],
        );
        await enqueueEnvelopes(tx, events);
        return { created: true, report: reportFromRow(inserted.rows[0]), reportCount: rows[0]?.report_count ?? 0 };
      }
      const existing = await tx.query(
        'SELECT * FROM content_reports WHERE target_type = $1 AND target_id = $2 AND reporter_id = $3',
        [report.targetType, report.targetId, report.reporterId],
      );
      const count = await tx.query<{ report_count: number }>(`SELECT report_count FROM ${table} WHERE id = $1`, [
        report.targetId,
      ]);
      return {
        created: false,
        report: reportFromRow(existing.rows[0]!),
        reportCount: count.rows[0]?.report_count ?? 0,
      };
    });
  }

  exportUser(userId: string): Promise<UserContentExport> {
    return exportMember(this.db, userId, toPost, toComment);
  }

  eraseUser(userId: string) {
    return this.db.tx((tx) => eraseMember(tx, userId));
  }
}
