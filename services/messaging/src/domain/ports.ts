import type { EventData, EventDefinition } from '@diaspora/events';
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

/** Domain events written in the caller's transaction (the outbox). */
export interface EventSink {
  publish<D extends EventDefinition>(definition: D, data: EventData<D>): Promise<void>;
}

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

export interface ConversationStore {
  /** Creates the direct conversation of the pair, or returns the one they already have. */
  openDirect(input: {
    id: string;
    creatorId: string;
    peerId: string;
  }): Promise<{ conversation: Conversation; created: boolean }>;
  createGroup(input: { id: string; creatorId: string; title: string; memberIds: string[] }): Promise<Conversation>;
  find(id: string): Promise<Conversation | null>;
  member(conversationId: string, userId: string): Promise<Member | null>;
  members(conversationId: string): Promise<Member[]>;
  /** Newest activity first; the cursor is opaque to callers. */
  listFor(
    userId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: ConversationSummary[]; nextCursor: string | null }>;
  summary(conversationId: string, userId: string): Promise<ConversationSummary | null>;
  /** The direct conversation of the pair, as `userId` sees it, if they have one. */
  summaryOfPair(userId: string, peerId: string): Promise<ConversationSummary | null>;
  /** Adds who is not a member yet (they see messages from now on); returns who was added. */
  addMembers(conversationId: string, userIds: string[]): Promise<string[]>;
  /** Removes the member; when no admin is left the longest-standing member becomes one; a group left empty is deleted. */
  removeMember(conversationId: string, userId: string): Promise<boolean>;
  setRole(conversationId: string, userId: string, role: MemberRole): Promise<boolean>;
  setTitle(conversationId: string, title: string): Promise<void>;
  setMute(conversationId: string, userId: string, until: Date | null): Promise<void>;
  /** Every conversation of the user, with where each stands (for reconnect catch-up). */
  memberships(userId: string): Promise<Membership[]>;
  /**
   * Moves delivered watermarks forward only, many at once; returns the entries that moved. Durability is relaxed
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
  | { outcome: 'duplicate'; message: Message }
  | { outcome: 'not_member' };

export interface MessageStore {
  /**
   * Stores the message with the conversation's next seq, in one transaction with `alsoInTx` (the outbox event).
   * A clientMessageId the sender already used answers `duplicate` with the stored message.
   */
  append(message: NewMessage, alsoInTx?: (events: EventSink, message: Message) => Promise<void>): Promise<AppendResult>;
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
  /** Removes records of abandoned uploads older than `olderThanMs`, returning their storage keys. */
  purgeUnattached(olderThanMs: number, limit: number): Promise<string[]>;
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
