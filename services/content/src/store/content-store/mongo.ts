import type { Database, Logger } from '@diaspora/service-kit';
import { type Collection, type Db, type Document, type Filter, MongoClient, MongoServerError } from 'mongodb';

/** Our documents use string ids (the records' prefixed ids). */
type Doc = Document & { _id: string };

import type { Comment, Post, Report, TargetType } from '../../domain/model.js';
import type {
  ContentStore,
  IdPage,
  ModerationScope,
  ModerationTransition,
  Outgoing,
  PostChanges,
  PostFilter,
  QueueFilter,
  UserContentExport,
} from '../../domain/ports.js';
import { cityKeyOf, compact } from './codec.js';
import { DerivedCounters } from './mongo-counters.js';
import { eventFields, MongoOutboxForwarder, withEvents } from './mongo-outbox.js';

const COLLECTIONS = ['posts', 'comments', 'likes', 'reports'];
const VISIBLE = { deleted: false, 'moderation.state': { $in: ['published', 'flagged'] } };
const INTERNAL = { _outbox: 0, _pending: 0, cityKey: 0, deleted: 0 };

const isDuplicateKey = (error: unknown) => error instanceof MongoServerError && error.code === 11000;

function fromDocument(document: Document): Document {
  const { _id, _outbox, _pending, cityKey, deleted, moderation, likeCount, commentCount, shareCount, ...rest } =
    document;
  const { reportsResetAt, ...decision } = moderation ?? {};
  return compact({ ...rest, id: _id as string, moderation: { ...decision, reportCount: 0 } });
}

const toPost = (document: Document) =>
  ({ ...fromDocument(document), likeCount: 0, commentCount: 0, shareCount: 0 }) as Post;
const toComment = (document: Document) => fromDocument(document) as Comment;

function toReport(document: Document): Report {
  return {
    id: document._id as string,
    targetType: document.targetType,
    targetId: document.targetId,
    reporterId: document.reporterId,
    reason: document.reason,
    createdAt: document.createdAt,
  };
}

function scopeFilter(scope: ModerationScope): Document {
  if (scope.countries) {
    const { country, originToo } = scope.countries;
    return originToo
      ? { $or: [{ residenceCountry: country }, { originCountry: country }] }
      : { residenceCountry: country };
  }
  if (scope.city) return { residenceCountry: scope.city.country, cityKey: scope.city.cityKey };
  return {};
}

// findOneAndUpdate takes no projection: FerretDB does not implement it there.

/**
 * Content store on MongoDB 7 (or DocumentDB / FerretDB): one collection per record type, ids as `_id`. Needs no
 * multi-document transactions: each operation's events ride in the document it writes (see MongoOutboxForwarder),
 * and counters are derived from the counted documents when reading (see DerivedCounters).
 */
export class MongoContentStore implements ContentStore {
  readonly kind = 'mongodb';
  readonly posts: Collection<Doc>;
  readonly comments: Collection<Doc>;
  readonly likes: Collection<Doc>;
  readonly reports: Collection<Doc>;
  readonly forwarder: MongoOutboxForwarder;
  private readonly counters: DerivedCounters;

  private constructor(
    private readonly client: MongoClient,
    db: Db,
    pg: Database,
    logger: Logger,
  ) {
    this.posts = db.collection<Doc>('posts');
    this.comments = db.collection<Doc>('comments');
    this.likes = db.collection<Doc>('likes');
    this.reports = db.collection<Doc>('reports');
    this.forwarder = new MongoOutboxForwarder(db, pg, COLLECTIONS, logger);
    this.counters = new DerivedCounters(this);
  }

  /** Connects to `url` (its path names the database; `content` when it names none). */
  static async connect(url: string, pg: Database, logger: Logger): Promise<MongoContentStore> {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000, maxPoolSize: 20 });
    await client.connect();
    const name = new URL(url.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.replace(/^\//, '') || 'content';
    return new MongoContentStore(client, client.db(name), pg, logger);
  }

  async init(): Promise<void> {
    await this.posts.createIndexes([
      { key: { authorId: 1, _id: -1 } },
      { key: { originCountry: 1, _id: -1 } },
      { key: { residenceCountry: 1, cityKey: 1, _id: -1 } },
      { key: { language: 1, _id: -1 } },
      { key: { domain: 1, _id: -1 } },
      { key: { 'moderation.state': 1, _id: -1 } },
      { key: { sharedPostId: 1 } },
      { key: { _pending: 1 } },
    ]);
    await this.comments.createIndexes([
      { key: { postId: 1, _id: 1 } },
      { key: { authorId: 1 } },
      { key: { 'moderation.state': 1, _id: -1 } },
      { key: { _pending: 1 } },
    ]);
    await this.likes.createIndexes([
      { key: { postId: 1 } },
      { key: { userId: 1, postId: 1 } },
      { key: { _pending: 1 } },
    ]);
    await this.reports.createIndexes([
      { key: { targetType: 1, targetId: 1, reporterId: 1 }, unique: true, name: 'one_report_per_reporter' },
      { key: { reporterId: 1 } },
      { key: { _pending: 1 } },
    ]);
    this.forwarder.start();
  }

  async ping(): Promise<void> {
    await this.client.db('admin').command({ ping: 1 });
  }

  async drainEvents(): Promise<void> {
    await this.forwarder.drain();
  }

  async close(): Promise<void> {
    await this.forwarder.stop();
    await this.client.close();
  }

  private stored(events: Outgoing): void {
    if (events.length) this.forwarder.nudge();
  }

  async insertPost(post: Post, events: Outgoing): Promise<void> {
    const { id, ...fields } = post;
    await this.posts.insertOne({
      _id: id as never,
      ...fields,
      cityKey: cityKeyOf(post),
      deleted: Boolean(post.deletedAt),
      ...eventFields(events),
    });
    this.stored(events);
  }

  async getPost(id: string): Promise<Post | null> {
    const document = await this.posts.findOne({ _id: id as never }, { projection: INTERNAL });
    return document ? ((await this.counters.posts([document], toPost))[0] ?? null) : null;
  }

  async getPosts(ids: string[]): Promise<Post[]> {
    if (ids.length === 0) return [];
    const documents = await this.posts.find({ _id: { $in: ids as never[] } }, { projection: INTERNAL }).toArray();
    return this.counters.posts(documents, toPost);
  }

  async updatePost(id: string, expectedVersion: number, changes: PostChanges, events: Outgoing): Promise<boolean> {
    const set: Document = {};
    const unset: Document = {};
    for (const key of ['text', 'tags', 'mentions', 'links', 'language', 'visibility', 'history'] as const)
      if (changes[key] !== undefined) set[key] = changes[key];
    if (changes.domain === null) unset.domain = '';
    else if (changes.domain !== undefined) set.domain = changes.domain;
    if (changes.editedAt) set.editedAt = changes.editedAt;
    if (changes.publishedAt) set.publishedAt = changes.publishedAt;
    if (changes.deletedAt) Object.assign(set, { deletedAt: changes.deletedAt, deleted: true });
    if (changes.moderation) {
      const { state, score, labels, moderatedBy, moderatedAt } = changes.moderation;
      Object.assign(set, { 'moderation.state': state, 'moderation.score': score, 'moderation.labels': labels });
      if (moderatedBy) set['moderation.moderatedBy'] = moderatedBy;
      if (moderatedAt) set['moderation.moderatedAt'] = moderatedAt;
    }
    const update = withEvents(
      {
        ...(Object.keys(set).length ? { $set: set } : {}),
        $inc: { version: 1 },
        ...(Object.keys(unset).length ? { $unset: unset } : {}),
      },
      events,
    );
    const result = await this.posts.updateOne({ _id: id as never, version: expectedVersion }, update);
    if (result.modifiedCount !== 1) return false;
    this.stored(events);
    return true;
  }

  async listPosts(filter: PostFilter, page: IdPage): Promise<Post[]> {
    const query: Filter<Doc> = { ...VISIBLE };
    if (filter.authorIds) query.authorId = { $in: filter.authorIds };
    if (filter.originCountry) query.originCountry = filter.originCountry;
    if (filter.residenceCountry) query.residenceCountry = filter.residenceCountry;
    if (filter.cityKey) query.cityKey = filter.cityKey;
    if (filter.language) query.language = filter.language;
    if (filter.domain) query.domain = filter.domain;
    if (filter.bbox) {
      query['location.lat'] = { $gte: filter.bbox.minLat, $lte: filter.bbox.maxLat };
      query['location.lon'] = { $gte: filter.bbox.minLon, $lte: filter.bbox.maxLon };
    }
    if (filter.audience) {
      const { originCountry, residenceCountry, cityKey } = filter.audience;
      const alternatives: Document[] = [{ visibility: 'public' }];
      if (originCountry) alternatives.push({ visibility: 'country', originCountry });
      if (residenceCountry && cityKey) alternatives.push({ visibility: 'city', residenceCountry, cityKey });
      query.$or = alternatives;
    }
    if (page.before) query._id = { $lt: page.before };
    const documents = await this.posts
      .find(query, { projection: INTERNAL })
      .sort({ _id: -1 })
      .limit(page.limit)
      .toArray();
    return this.counters.posts(documents, toPost);
  }

  listPostsMany(filters: PostFilter[], page: IdPage): Promise<Post[][]> {
    return Promise.all(filters.map((filter) => this.listPosts(filter, page)));
  }

  async insertComment(comment: Comment, events: Outgoing): Promise<void> {
    const { id, ...fields } = comment;
    await this.comments.insertOne({
      _id: id as never,
      ...fields,
      cityKey: cityKeyOf(comment),
      deleted: false,
      ...eventFields(events),
    });
    this.stored(events);
  }

  async getComment(id: string): Promise<Comment | null> {
    const document = await this.comments.findOne({ _id: id as never }, { projection: INTERNAL });
    return document ? ((await this.counters.comments([document], toComment))[0] ?? null) : null;
  }

  async listComments(postId: string, page: { after?: string; limit: number }): Promise<Comment[]> {
    const query: Filter<Doc> = { postId, ...VISIBLE };
    if (page.after) query._id = { $gt: page.after };
    const documents = await this.comments
      .find(query, { projection: INTERNAL })
      .sort({ _id: 1 })
      .limit(page.limit)
      .toArray();
    return this.counters.comments(documents, toComment);
  }

  async deleteComment(id: string, at: Date, events: Outgoing): Promise<boolean> {
    const before = await this.comments.findOneAndUpdate(
      { _id: id as never, deleted: false },
      withEvents({ $set: { deleted: true, deletedAt: at } }, events),
      { returnDocument: 'before' },
    );
    if (!before) return false;
    this.stored(events);
    return true;
  }

  async transition(target: TargetType, id: string, change: ModerationTransition, events: Outgoing): Promise<boolean> {
    const collection = target === 'post' ? this.posts : this.comments;
    const set: Document = { 'moderation.state': change.to };
    if (change.moderatedBy) set['moderation.moderatedBy'] = change.moderatedBy;
    if (change.moderatedAt) set['moderation.moderatedAt'] = change.moderatedAt;
    if (change.resetReports) set['moderation.reportsResetAt'] = change.moderatedAt ?? new Date();
    const before = await collection.findOneAndUpdate(
      { _id: id as never, deleted: false, 'moderation.state': { $in: [...change.from] } },
      withEvents({ $set: set, ...(target === 'post' ? { $inc: { version: 1 } } : {}) }, events),
      { returnDocument: 'before' },
    );
    if (!before) return false;
    if (target === 'post' && change.publishedAt && !before.publishedAt)
      await this.posts.updateOne(
        { _id: id as never, publishedAt: { $exists: false } },
        { $set: { publishedAt: change.publishedAt } },
      );
    this.stored(events);
    return true;
  }

  async listQueue(target: TargetType, filter: QueueFilter, page: IdPage): Promise<(Post | Comment)[]> {
    const query: Filter<Doc> = {
      deleted: false,
      'moderation.state': { $in: [...filter.states] },
      ...scopeFilter(filter.scope),
    };
    if (page.before) query._id = { $lt: page.before };
    const collection = target === 'post' ? this.posts : this.comments;
    const documents = await collection
      .find(query, { projection: INTERNAL })
      .sort({ _id: -1 })
      .limit(page.limit)
      .toArray();
    return target === 'post' ? this.counters.posts(documents, toPost) : this.counters.comments(documents, toComment);
  }

  async addLike(postId: string, userId: string, at: Date, events: Outgoing): Promise<boolean> {
    try {
      await this.likes.insertOne({
        _id: `${postId}:${userId}` as never,
        postId,
        userId,
        createdAt: at,
        ...eventFields(events),
      });
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    this.stored(events);
    return true;
  }

  async removeLike(postId: string, userId: string): Promise<boolean> {
    const { deletedCount } = await this.likes.deleteOne({ _id: `${postId}:${userId}` as never });
    return deletedCount === 1;
  }

  async likedBy(userId: string, postIds: string[]): Promise<Set<string>> {
    if (postIds.length === 0) return new Set();
    const documents = await this.likes
      .find({ _id: { $in: postIds.map((postId) => `${postId}:${userId}`) as never[] } }, { projection: { postId: 1 } })
      .toArray();
    return new Set(documents.map((document) => document.postId as string));
  }

  async addReport(report: Report, events: Outgoing) {
    const collection = report.targetType === 'post' ? this.posts : this.comments;
    const { id, ...fields } = report;
    try {
      await this.reports.insertOne({ _id: id as never, ...fields, ...eventFields(events) });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.reports.findOne({
        targetType: report.targetType,
        targetId: report.targetId,
        reporterId: report.reporterId,
      });
      const reportCount = await this.counters.reportCount(report.targetType, report.targetId, collection);
      return { created: false, report: toReport(existing!), reportCount };
    }
    this.stored(events);
    return {
      created: true,
      report,
      reportCount: await this.counters.reportCount(report.targetType, report.targetId, collection),
    };
  }

  async exportUser(userId: string): Promise<UserContentExport> {
    const [posts, comments, likes, reports] = await Promise.all([
      this.posts.find({ authorId: userId }, { projection: INTERNAL }).sort({ _id: 1 }).toArray(),
      this.comments.find({ authorId: userId }, { projection: INTERNAL }).sort({ _id: 1 }).toArray(),
      this.likes.find({ userId }).sort({ createdAt: 1 }).toArray(),
      this.reports.find({ reporterId: userId }).sort({ _id: 1 }).toArray(),
    ]);
    return {
      posts: await this.counters.posts(posts, toPost),
      comments: await this.counters.comments(comments, toComment),
      likes: likes.map((like) => ({ postId: like.postId as string, createdAt: like.createdAt as Date })),
      reports: reports.map(toReport),
    };
  }

  async eraseUser(userId: string) {
    // Counters are derived, so deleting the counted documents is all it takes.
    const [likes, comments, posts, reports] = await Promise.all([
      this.likes.deleteMany({ userId }),
      this.comments.deleteMany({ authorId: userId }),
      this.posts.deleteMany({ authorId: userId }),
      this.reports.deleteMany({ reporterId: userId }),
    ]);
    return {
      posts: posts.deletedCount,
      comments: comments.deletedCount,
      likes: likes.deletedCount,
      reports: reports.deletedCount,
    };
  }
}
