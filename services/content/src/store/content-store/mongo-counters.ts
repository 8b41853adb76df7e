import type { Collection, Document } from 'mongodb';
import type { Comment, Post } from '../../domain/model.js';

type Doc = Document & { _id: string };

const VISIBLE_STATES = ['published', 'flagged'];

/**
 * Counters of the MongoDB adapter, derived when reading from the documents that are counted (likes, visible
 * comments, shares, reports since the last review) rather than kept with `$inc`. Every write is then a
 * single-document insert or delete, atomic on any MongoDB-compatible server: FerretDB 1.x applies updates as
 * read-modify-write (measured here: 50 concurrent `$inc`s of one field leave it at 13), so stored counters would
 * drift under concurrent likes. The counts use the indexes on postId / targetId.
 */
export class DerivedCounters {
  constructor(
    private readonly collections: {
      posts: Collection<Doc>;
      comments: Collection<Doc>;
      likes: Collection<Doc>;
      reports: Collection<Doc>;
    },
  ) {}

  private async countBy(collection: Collection<Doc>, field: string, match: Document): Promise<Map<string, number>> {
    const rows = await collection
      .aggregate<{ _id: string; n: number }>([{ $match: match }, { $group: { _id: `$${field}`, n: { $sum: 1 } } }])
      .toArray();
    return new Map(rows.map((row) => [row._id, row.n]));
  }

  /** Distinct reporters since each target's last review (`moderation.reportsResetAt`). */
  private async reportCounts(targetType: string, documents: Document[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (documents.length === 0) return counts;
    const resetAt = new Map(
      documents.map((document) => [document._id as string, document.moderation?.reportsResetAt as Date | undefined]),
    );
    const reports = await this.collections.reports
      .find({ targetType, targetId: { $in: [...resetAt.keys()] } }, { projection: { targetId: 1, createdAt: 1 } })
      .toArray();
    for (const report of reports) {
      const since = resetAt.get(report.targetId);
      if (since && report.createdAt <= since) continue;
      counts.set(report.targetId, (counts.get(report.targetId) ?? 0) + 1);
    }
    return counts;
  }

  /** Posts with their counters filled in. */
  async posts(documents: Document[], toPost: (document: Document) => Post): Promise<Post[]> {
    if (documents.length === 0) return [];
    const ids = documents.map((document) => document._id as string);
    const [likes, comments, shares, reports] = await Promise.all([
      this.countBy(this.collections.likes, 'postId', { postId: { $in: ids } }),
      this.countBy(this.collections.comments, 'postId', {
        postId: { $in: ids },
        deleted: false,
        'moderation.state': { $in: VISIBLE_STATES },
      }),
      this.countBy(this.collections.posts, 'sharedPostId', { sharedPostId: { $in: ids } }),
      this.reportCounts('post', documents),
    ]);
    return documents.map((document) => {
      const post = toPost(document);
      post.likeCount = likes.get(post.id) ?? 0;
      post.commentCount = comments.get(post.id) ?? 0;
      post.shareCount = shares.get(post.id) ?? 0;
      post.moderation.reportCount = reports.get(post.id) ?? 0;
      return post;
    });
  }

  async comments(documents: Document[], toComment: (document: Document) => Comment): Promise<Comment[]> {
    const reports = await this.reportCounts('comment', documents);
    return documents.map((document) => {
      const comment = toComment(document);
      comment.moderation.reportCount = reports.get(comment.id) ?? 0;
      return comment;
    });
  }

  async reportCount(targetType: string, targetId: string, collection: Collection<Doc>): Promise<number> {
    const target = await collection.findOne({ _id: targetId }, { projection: { moderation: 1 } });
    return target ? ((await this.reportCounts(targetType, [target])).get(targetId) ?? 0) : 0;
  }
}
