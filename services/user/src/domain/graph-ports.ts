export type ConnectionRequestStatus = 'pending' | 'accepted' | 'declined' | 'canceled';

export interface ConnectionRequest {
  id: string;
  fromUserId: string;
  toUserId: string;
  status: ConnectionRequestStatus;
  createdAt: Date;
  decidedAt: Date | null;
}

/** How two members relate, from the first one's point of view. */
export interface Relationship {
  following: boolean;
  followedBy: boolean;
  connected: boolean;
  blocking: boolean;
  blockedBy: boolean;
  pendingRequest: ConnectionRequest | null;
}

/** A page of ids in a stable order (ascending id), continuing strictly after `after`. */
export interface IdPage {
  after: string | null;
  limit: number;
}

export interface GraphCounts {
  followers: number;
  following: number;
  connections: number;
}

/** The social graph. Mutations between two members run under `lockPair` so concurrent changes serialize. */
export interface GraphStore {
  /** Serializes every graph change between these two members until the transaction ends. */
  lockPair(a: string, b: string): Promise<void>;
  relationship(viewerId: string, targetId: string): Promise<Relationship>;
  /** Ids among `ids` connected to `userId`. */
  connectedAmong(userId: string, ids: string[]): Promise<Set<string>>;
  /** Ids among `ids` that block `userId` or are blocked by them. */
  blockedAmong(userId: string, ids: string[]): Promise<Set<string>>;
  counts(userId: string): Promise<GraphCounts>;

  /** True when the follow was created, false when it already existed. */
  follow(followerId: string, followeeId: string): Promise<boolean>;
  unfollow(followerId: string, followeeId: string): Promise<boolean>;
  followerIds(userId: string, page: IdPage): Promise<string[]>;
  followingIds(userId: string, page: IdPage): Promise<string[]>;

  findRequest(id: string): Promise<ConnectionRequest | null>;
  insertRequest(request: { id: string; fromUserId: string; toUserId: string }): Promise<ConnectionRequest>;
  decideRequest(id: string, status: Exclude<ConnectionRequestStatus, 'pending'>): Promise<ConnectionRequest>;
  /** Pending requests received (`incoming`) or sent (`outgoing`), oldest first. */
  pendingRequests(userId: string, direction: 'incoming' | 'outgoing', page: IdPage): Promise<ConnectionRequest[]>;
  connect(a: string, b: string, requestId: string): Promise<void>;
  disconnect(a: string, b: string): Promise<boolean>;
  connectionIds(userId: string, page: IdPage): Promise<string[]>;

  block(blockerId: string, blockedId: string): Promise<boolean>;
  unblock(blockerId: string, blockedId: string): Promise<boolean>;
  blockedIds(blockerId: string, page: IdPage): Promise<string[]>;

  /** Everything of the graph that involves the user, for their data export. */
  exportOf(userId: string): Promise<Record<string, unknown>>;
  /** Removes every edge and request involving the user (erasure). */
  eraseUser(userId: string): Promise<void>;
}
