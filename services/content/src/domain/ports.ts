import type { EventEnvelope } from '@diaspora/events';
import type {
  Comment,
  Community,
  Moderation,
  ModerationState,
  Post,
  PostEdit,
  Report,
  TargetType,
  Visibility,
} from './model.js';

/** Domain events to publish exactly when the write they describe is stored (each adapter's outbox). */
export type Outgoing = EventEnvelope[];

export interface BoundingBox {
  minLat: number;
  maxLat: number;
  minLon: number;
  maxLon: number;
}

/** Who may see a post through a community channel (not through a follow): their own communities. */
export interface Audience {
  originCountry?: string;
  residenceCountry?: string;
  cityKey?: string;
}

/** Visible (published or flagged), undeleted posts matching every given field, newest first. */
export interface PostFilter {
  authorIds?: string[];
  originCountry?: string;
  residenceCountry?: string;
  cityKey?: string;
  language?: string;
  domain?: string;
  bbox?: BoundingBox;
  /** Restricts to what a community channel may show this audience (public, or country/city for insiders). */
  audience?: Audience;
}

/** Keyset page on ids (ids sort by creation time): `before` is exclusive. */
export interface IdPage {
  before?: string;
  limit: number;
}

export interface PostChanges {
  text?: string;
  tags?: string[];
  mentions?: string[];
  links?: string[];
  language?: string;
  visibility?: Visibility;
  domain?: string | null;
  moderation?: Moderation;
  editedAt?: Date;
  history?: PostEdit[];
  publishedAt?: Date;
  deletedAt?: Date;
}

/** A moderation decision applied only if the item is still in one of `from` (a compare-and-set). */
export interface ModerationTransition {
  from: readonly ModerationState[];
  to: ModerationState;
  moderatedBy?: string;
  moderatedAt?: Date;
  resetReports?: boolean;
  /** For posts: set when the post becomes visible for the first time. */
  publishedAt?: Date;
}

export interface ModerationScope {
  /** Unset: everything (super). */
  countries?: { country: string; originToo: boolean };
  city?: { country: string; cityKey: string };
}

export interface QueueFilter {
  states: readonly ModerationState[];
  scope: ModerationScope;
}

export interface UserContentExport {
  posts: Post[];
  comments: Comment[];
  likes: { postId: string; createdAt: Date }[];
  reports: Report[];
}

/**
 * The content store port: posts, comments, likes and reports. Two adapters (PostgreSQL JSONB, MongoDB) pass one
 * contract suite. Every write that carries `events` stores them atomically with the change. Counters
 * (likes, comments, shares, reports) are changed by the store itself with atomic increments, never read-modify-write.
 */
export interface ContentStore {
  readonly kind: 'postgres' | 'mongodb';
  /** Creates indexes / checks the connection; idempotent. */
  init(): Promise<void>;
  ping(): Promise<void>;
  /** Hands every event stored so far to the service's outbox (a no-op where they are written there directly). */
  drainEvents(): Promise<void>;
  close(): Promise<void>;

  /** A share (`sharedPostId`) also increments the shared post's shareCount. */
  insertPost(post: Post, events: Outgoing): Promise<void>;
  getPost(id: string): Promise<Post | null>;
  /** In no particular order; unknown ids are left out. */
  getPosts(ids: string[]): Promise<Post[]>;
  /** Applies `changes` and bumps the version if the stored version is `expectedVersion`; false otherwise. */
  updatePost(id: string, expectedVersion: number, changes: PostChanges, events: Outgoing): Promise<boolean>;
  listPosts(filter: PostFilter, page: IdPage): Promise<Post[]>;
  /** Several `listPosts` at once (one round trip where the store allows): one list per filter, same order. */
  listPostsMany(filters: PostFilter[], page: IdPage): Promise<Post[][]>;

  /**
   * Optional fast path of the PostgreSQL adapter, whose posts share a database with the precomputed timelines:
   * a timeline page joined with its posts in one query (`post` null where the post is gone).
   */
  readTimeline?(
    userId: string,
    before: string | undefined,
    limit: number,
  ): Promise<{ id: string; post: Post | null }[]>;

  /** Increments the post's commentCount when the comment is visible. */
  insertComment(comment: Comment, events: Outgoing): Promise<void>;
  getComment(id: string): Promise<Comment | null>;
  /** Visible, undeleted comments of a post, oldest first, after the exclusive `after` id. */
  listComments(postId: string, page: { after?: string; limit: number }): Promise<Comment[]>;
  /** Soft-deletes; decrements the post's commentCount when it was counted. False when already deleted. */
  deleteComment(id: string, at: Date, events: Outgoing): Promise<boolean>;

  /** Moves an item between moderation states (compare-and-set on its state); keeps commentCount in step. */
  transition(target: TargetType, id: string, change: ModerationTransition, events: Outgoing): Promise<boolean>;
  listQueue(target: TargetType, filter: QueueFilter, page: IdPage): Promise<(Post | Comment)[]>;

  /** True when this like is new (and counted). */
  addLike(postId: string, userId: string, at: Date, events: Outgoing): Promise<boolean>;
  /** True when a like was there (and uncounted). */
  removeLike(postId: string, userId: string): Promise<boolean>;
  /** The subset of `postIds` the user likes. */
  likedBy(userId: string, postIds: string[]): Promise<Set<string>>;

  /**
   * Records a report unless this reporter already reported the target; a new one increments the target's
   * report count. Returns the report on record and the target's report count afterwards.
   */
  addReport(report: Report, events: Outgoing): Promise<{ created: boolean; report: Report; reportCount: number }>;

  exportUser(userId: string): Promise<UserContentExport>;
  /** GDPR erasure: the user's posts, comments, likes and reports go, counters of others' posts follow. */
  eraseUser(userId: string): Promise<{ posts: number; comments: number; likes: number; reports: number }>;
}

export type { Community };
