import type { EventEnvelope, EventSnapshot } from '@diaspora/events';
import type { AccessClaims, Scope as KitScope, UnitOfWork as KitUnitOfWork } from '@diaspora/service-kit';
import type { Static } from 'typebox';
import type {
  Comment,
  Community,
  MediaRef,
  Moderation,
  ModerationState,
  Post,
  PostEdit,
  Report,
  TargetType,
  Viewer,
  Visibility,
} from './model.js';
import type { Relation } from './rules.js';

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

/** Who is reading: tier from the token, communities from the read model (or the user service). */
export interface ViewerDirectory {
  viewer(claims: AccessClaims): Promise<Viewer>;
  /** The claims with the roles and appointment scope the user service holds now (moderation asks before acting). */
  confirmRoles(claims: AccessClaims): Promise<AccessClaims>;
}

/** An author's name and avatar as a given viewer may see them. */
export interface AuthorView {
  id: string;
  displayName: string;
  avatarUrl?: string;
}

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

/**
 * Local read models of the user service's data: members' communities and the social graph (follows,
 * connections, blocks), fed by users.* events and reconciled from the user service's gRPC lists.
 */
export interface CommunityStore {
  member(userId: string): Promise<MemberRecord | null>;
  members(userIds: string[]): Promise<MemberRecord[]>;
  /** Keeps the newest version: an older event (redelivered, reordered) never overwrites a newer one. */
  upsertMember(member: MemberRecord, sourceAt: Date): Promise<void>;
  /** Everything kept about a member, for erasure. */
  forget(userId: string): Promise<void>;
  follow(followerId: string, followeeId: string, on: boolean): Promise<void>;
  connect(a: string, b: string, on: boolean): Promise<void>;
  block(blockerId: string, blockedId: string, on: boolean): Promise<void>;
  /** Whether `userId` still follows or is connected to `authorId`. */
  related(userId: string, authorId: string): Promise<boolean>;
  /** The people whose posts belong in a member's timeline: those they follow and their connections. */
  followedAuthors(userId: string): Promise<string[]>;
  /** Makes the local graph of one member match the user service's (authoritative) lists. */
  replaceOutgoing(userId: string, following: string[], connections: string[]): Promise<void>;
  /** How a viewer relates to each author: connected, and blocked either way (briefly cached per viewer). */
  relations(viewerId: string, authorIds: string[]): Promise<Map<string, Relation>>;
  /** Forgets what is cached about members' connections and blocks (they just changed). */
  invalidate(...userIds: string[]): void;
}

export interface TimelineOwner {
  lastSeenAt: Date;
  builtAt: Date | null;
}

export interface TimelineEntry {
  postId: string;
  authorId: string;
}

/** Precomputed home timelines (fan-out on write): post ids per active member, newest first, capped. */
export interface TimelineStore {
  readonly maxItems: number;
  owner(userId: string): Promise<TimelineOwner | null>;
  /** Whether a timeline is current: built, and kept up by fan-out since (its owner stayed active). */
  isCurrent(owner: TimelineOwner | null, now?: Date): boolean;
  touch(userId: string): Promise<void>;
  /** Empties the timeline and marks its owner active (commit it before reading what to rebuild from). */
  startRebuild(userId: string): Promise<void>;
  finishRebuild(userId: string, entries: TimelineEntry[]): Promise<void>;
  /** Post ids of a timeline, newest first, older than the exclusive `before`. */
  page(userId: string, before: string | undefined, limit: number): Promise<string[]>;
  /** Pushes a new post to its author's, followers' and connections' timelines (active members only). */
  fanOut(postId: string, authorId: string): Promise<number>;
  /** A follow started: the followee's recent posts join an active follower's timeline. */
  backfill(userId: string, entries: TimelineEntry[]): Promise<void>;
  removeAuthor(userId: string, authorId: string): Promise<void>;
  forget(userId: string): Promise<void>;
}

export type EventCard = Static<typeof EventSnapshot>;

/** Position in the events section: relevance tier, start time, id (all immutable while the page is read). */
export type EventPosition = [tier: number, startsAt: string, eventId: string];

export interface EventQuery {
  /** The viewer's communities decide the tiers: 0 their city, 1 their origin country, 2 online, 3 the rest. */
  viewer: { originCountry?: string; residenceCountry?: string; cityKey?: string };
  country?: string;
  cityKey?: string;
  domain?: string;
  language?: string;
  bbox?: BoundingBox;
  after?: EventPosition;
  limit: number;
  now: Date;
}

/** The events read model behind the feed's events section, fed by events.event.* snapshots. */
export interface EventCardStore {
  /** Applies a snapshot unless a newer one was applied already; canceled is final. */
  apply(card: EventCard, sourceAt: Date): Promise<void>;
  /** Upcoming published events, most relevant tier first, then soonest. */
  page(query: EventQuery): Promise<{ card: EventCard; position: EventPosition }[]>;
}

export interface MediaUpload extends MediaRef {
  ownerId: string;
  postId: string | null;
  createdAt: Date;
}

/** Uploaded media, owned by their uploader until a post of theirs claims them (once). */
export interface MediaUploadStore {
  create(upload: { id: string; ownerId: string; key: string; contentType: string; size: number }): Promise<void>;
  /** Attaches those of `ids` that are `ownerId`'s and unattached to `postId`; returns them in the order given. */
  claim(ids: string[], ownerId: string, postId: string): Promise<MediaRef[]>;
  /** Undoes a claim when the post could not be stored. */
  release(postId: string): Promise<void>;
  ofOwner(ownerId: string): Promise<MediaUpload[]>;
  unattachedBefore(cutoff: Date, limit: number): Promise<MediaUpload[]>;
  delete(ids: string[]): Promise<void>;
}

/** The PostgreSQL-side stores, together in one transaction (the content store keeps its own). */
export type Stores = {
  community: CommunityStore;
  timelines: TimelineStore;
  cards: EventCardStore;
  media: MediaUploadStore;
};
export type Scope = KitScope<Stores>;
export type UnitOfWork = KitUnitOfWork<Stores>;

export type { Community };
