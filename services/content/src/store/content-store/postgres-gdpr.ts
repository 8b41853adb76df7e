import type { Queryable } from '@diaspora/service-kit';
import { type Comment, isVisibleState, type Post } from '../../domain/model.js';
import type { UserContentExport } from '../../domain/ports.js';
import { reportFromRow } from './codec.js';
import { COMMENT_COLUMNS, POST_COLUMNS } from './postgres-queries.js';

type Row = Record<string, unknown>;

/** GDPR parts of the PostgreSQL content store: a member's archive section and their erasure. */
export async function exportMember(
  db: Queryable,
  userId: string,
  toPost: (row: Record<string, unknown>) => Post,
  toComment: (row: Record<string, unknown>) => Comment,
): Promise<UserContentExport> {
  const [posts, comments, likes, reports] = await Promise.all([
    db.query(`SELECT ${POST_COLUMNS} FROM content_posts WHERE author_id = $1 ORDER BY id`, [userId]),
    db.query(`SELECT ${COMMENT_COLUMNS} FROM content_comments WHERE author_id = $1 ORDER BY id`, [userId]),
    db.query('SELECT post_id, created_at FROM content_likes WHERE user_id = $1 ORDER BY created_at', [userId]),
    db.query('SELECT * FROM content_reports WHERE reporter_id = $1 ORDER BY id', [userId]),
  ]);
  return {
    posts: posts.rows.map(toPost),
    comments: comments.rows.map(toComment),
    likes: likes.rows.map((row) => ({ postId: row.post_id as string, createdAt: row.created_at as Date })),
    reports: reports.rows.map(reportFromRow),
  };
}

export async function eraseMember(tx: Queryable, userId: string) {
  const likes = await tx.query<{ post_id: string }>('DELETE FROM content_likes WHERE user_id = $1 RETURNING post_id', [
    userId,
  ]);
  await tx.query(
    `UPDATE content_posts p SET like_count = greatest(p.like_count - l.n, 0)
         FROM (SELECT unnest($1::text[]) AS post_id, 1 AS n) l WHERE p.id = l.post_id`,
    [likes.rows.map((row) => row.post_id)],
  );
  const comments = await tx.query<{ post_id: string; state: string }>(
    `DELETE FROM content_comments WHERE author_id = $1 RETURNING post_id, state, deleted_at`,
    [userId],
  );
  const counted = comments.rows.filter(
    (row) => isVisibleState(row.state as Post['moderation']['state']) && !(row as Row).deleted_at,
  );
  await tx.query(
    `UPDATE content_posts p SET comment_count = greatest(p.comment_count - c.n, 0)
         FROM (SELECT post_id, count(*)::int AS n FROM unnest($1::text[]) AS post_id GROUP BY post_id) c
         WHERE p.id = c.post_id`,
    [counted.map((row) => row.post_id)],
  );
  const posts = await tx.query<{ shared_post_id: string | null }>(
    'DELETE FROM content_posts WHERE author_id = $1 RETURNING shared_post_id',
    [userId],
  );
  await tx.query(
    `UPDATE content_posts p SET share_count = greatest(p.share_count - s.n, 0)
         FROM (SELECT post_id, count(*)::int AS n FROM unnest($1::text[]) AS post_id GROUP BY post_id) s
         WHERE p.id = s.post_id`,
    [posts.rows.flatMap((row) => (row.shared_post_id ? [row.shared_post_id] : []))],
  );
  const reports = await tx.query('DELETE FROM content_reports WHERE reporter_id = $1', [userId]);
  return {
    posts: posts.rowCount ?? 0,
    comments: comments.rowCount ?? 0,
    likes: likes.rowCount ?? 0,
    reports: reports.rowCount ?? 0,
  };
}
