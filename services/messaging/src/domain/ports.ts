import type { Scope as KitScope, UnitOfWork as KitUnitOfWork } from '@diaspora/service-kit';
import type { MessageBody, MessageType } from './message-content.js';
import type {
  Conversation,
  ConversationType,
  Member,
  MemberRole,
  Message,
  OthersProgress,
  StoredAttachment,
} from './model.js';

/**
 * What the use cases work with: the stores, over the pool (`uow.read`) or inside one transaction
 * (`uow.run(scope => …)`, where `scope.publish` writes domain events to the outbox). Store methods marked
 * "in a scope" run several statements that must commit together: call them on a scope, not on `read`.
 */
export type Stores = {
  conversations: ConversationStore;
  messages: MessageStore;
  media: MediaStore;
  members: MemberDataStore;
};
export type Scope = KitScope<Stores>;
export type UnitOfWork = KitUnitOfWork<Stores>;

export interface ConversationSummary {
  conversation: Conversation;
  memberIds: string[];
  me: Member;
  lastMessage: Message | null;
  unreadCount: number;
  /** Where the other members stand, for the status of the viewer's own last message. */
  others: OthersProgress | null;
}

export interface Membership {
  conversationId: string;
  lastSeq: number;
  joinedSeq: number;
  lastDeliveredSeq: number;
}

export interface DeliveredEntry {
  conversationId: string;
  userId: string;
  seq: number;
}

/** Where a page of the conversation list stopped: activity time in microseconds (as digits) and the id. */
export type ConversationPosition = [activityUs: string, conversationId: string];

export interface ConversationStore {
  /** In a scope. Creates the direct conversation of the pair, or returns the one they already have. */
  openDirect(input: {
    id: string;
    creatorId: string;
    peerId: string;
  }): Promise<{ conversation: Conversation; created: boolean }>;
  /** In a scope. */
  createGroup(input: { id: string; creatorId: string; title: string; memberIds: string[] }): Promise<Conversation>;
  find(id: string): Promise<Conversation | null>;
  member(conversationId: string, userId: string): Promise<Member | null>;
  members(conversationId: string): Promise<Member[]>;
  /** Newest activity first, after `after` when given; `next` is where the following page starts, if any. */
  listFor(
    userId: string,
    page: { limit: number; after?: ConversationPosition | undefined },
  ): Promise<{ items: ConversationSummary[]; next: ConversationPosition | null }>;
  summary(conversationId: string, userId: string): Promise<ConversationSummary | null>;
  /** The direct conversation of the pair, as `userId` sees it, if they have one. */
  summaryOfPair(userId: string, peerId: string): Promise<ConversationSummary | null>;
  /** Adds who is not a member yet (they see messages from now on); returns who was added. */
  addMembers(conversationId: string, userIds: string[]): Promise<string[]>;
  /** In a scope. Removes the member; when no admin is left the longest-standing member becomes one; a group left empty is deleted. */
  removeMember(conversationId: string, userId: string): Promise<boolean>;
  setRole(conversationId: string, userId: string, role: MemberRole): Promise<boolean>;
  setTitle(conversationId: string, title: string): Promise<void>;
  setMute(conversationId: string, userId: string, until: Date | null): Promise<void>;
  /** Every conversation of the user, with where each stands (for reconnect catch-up). */
  memberships(userId: string): Promise<Membership[]>;
  /**
   * In a scope. Moves delivered watermarks forward only, many at once; returns the entries that moved. Durability is relaxed
   * for these writes: a watermark lost in a crash is moved again by the next delivery, and no message depends on it.
   */
  advanceDelivered(entries: DeliveredEntry[]): Promise<DeliveredEntry[]>;
  advanceRead(conversationId: string, userId: string, seq: number): Promise<boolean>;
  /** Whether either of the two blocked the other (from users.block.* events). */
  blockedEitherWay(a: string, b: string): Promise<boolean>;
  /** Users the member has a direct conversation with (who may see their presence). */
  directPeers(userId: string, limit: number): Promise<string[]>;
}

export interface NewMessage {
  id: string;
  conversationId: string;
  senderId: string;
  clientMessageId: string;
  type: MessageType;
  body: MessageBody;
  attachments: StoredAttachment[];
}

export type AppendResult =
  | { outcome: 'created'; message: Message; conversationType: ConversationType; memberIds: string[] }
  | { outcome: 'not_member' };

/** The sender already used this clientMessageId (the unique index said so); the use case answers the stored one. */
export class ClientMessageIdTaken extends Error {
  constructor() {
    super('clientMessageId already used by this sender');
  }
}

export interface MessageStore {
  /**
   * Stores the message with the conversation's next seq (one statement: on `read` it commits alone; in a scope,
   * with whatever else the scope does). A clientMessageId the sender already used throws `ClientMessageIdTaken`.
   */
  append(message: NewMessage): Promise<AppendResult>;
  findByClientId(senderId: string, clientMessageId: string): Promise<Message | null>;
  findById(id: string): Promise<Message | null>;
  /** Newest first, seq below `beforeSeq`, not below `minSeq`. */
  page(
    conversationId: string,
    options: { beforeSeq: number | null; minSeq: number; limit: number },
  ): Promise<Message[]>;
  /** Oldest first: seq in (afterSeq, beforeSeq). */
  between(conversationId: string, afterSeq: number, beforeSeq: number): Promise<Message[]>;
  /** Oldest first across conversations: for each, the messages after its position. */
  after(positions: Map<string, number>, limit: number): Promise<Message[]>;
  edit(id: string, body: MessageBody): Promise<Message>;
  /** In a scope. Empties the message (the row stays) and forgets its media records. */
  tombstone(id: string): Promise<Message>;
}

export interface MediaRecord {
  id: string;
  ownerId: string;
  key: string;
  contentType: string;
  size: number;
  messageId: string | null;
}

export interface MediaStore {
  insert(record: Omit<MediaRecord, 'messageId'>): Promise<void>;
  /** The owner's media among `ids` that no message uses yet. */
  attachable(ownerId: string, ids: string[]): Promise<MediaRecord[]>;
  /** Marks the owner's unused media as the message's; returns how many were (fewer: another message took one). */
  attach(messageId: string, ownerId: string, ids: string[]): Promise<number>;
  /** Removes records of abandoned uploads older than `olderThanMs`, returning their storage keys. */
  purgeUnattached(olderThanMs: number, limit: number): Promise<string[]>;
}

/** What this service holds about one member outside conversations: tiers, blocks, GDPR export and erasure. */
export interface MemberDataStore {
  /** The tier users.tier.changed last set, if any. */
  tier(userId: string): Promise<{ tier: 'free' | 'premium'; changedAt: Date } | null>;
  /** Keeps the newest change only (events may arrive out of order). */
  setTier(userId: string, tier: 'free' | 'premium', changedAt: string): Promise<void>;
  /** The users.block.* read model: idempotent both ways. */
  setBlock(blockerId: string, blockedId: string, blocked: boolean, at: string): Promise<void>;
  /** The member's part of a GDPR archive: their conversations (metadata), the messages they wrote, their uploads. */
  export(userId: string): Promise<Record<string, unknown>>;
  /**
   * In a scope. Erases the member: the content of every message they wrote (rows stay as tombstones so the others'
   * conversations keep their order), their memberships, uploads, tier and blocks. Returns the storage keys to delete.
   */
  erase(userId: string): Promise<string[]>;
}

/** The user service's answer to "may `viewer` start talking to `target`?" (privacy settings and blocks). */
export interface Relationships {
  canMessage(viewerId: string, targetId: string): Promise<boolean>;
  /** Forgets cached answers involving these two (a block changed). */
  forget(a: string, b: string): Promise<void>;
}

/** Daily quotas of the free tier. */
export interface Quotas {
  /** Throws 429 (with Retry-After and the upgrade problem type) when the actor has none left today. */
  check(actor: { userId: string; tier: 'free' | 'premium' }, quota: 'messages' | 'conversations'): Promise<void>;
  consume(actor: { userId: string; tier: 'free' | 'premium' }, quota: 'messages' | 'conversations'): Promise<void>;
}

/** Live delivery to members' devices (the realtime hub); never the source of truth. */
export interface LiveFanout {
  message(message: Message, memberIds: string[]): void;
  /** A message was edited or deleted for everyone. */
  updated(message: Message, memberIds: string[], change: 'edited' | 'deleted'): void;
  /** Any other frame for these users' devices (status, update, conversation changes). */
  frame(userIds: string[], frame: Record<string, unknown>): void;
  /** Members removed from a conversation: their devices stop following it. */
  removed(conversationId: string, userIds: string[]): void;
  online(userIds: string[]): Promise<Set<string>>;
}
