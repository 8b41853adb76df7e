import type { MessageBody, MessageType } from './message-content.js';

export type ConversationType = 'direct' | 'group';
export type MemberRole = 'admin' | 'member';
export type MessageStatus = 'sent' | 'delivered' | 'read';

export interface Conversation {
  id: string;
  type: ConversationType;
  title: string | null;
  createdBy: string | null;
  createdAt: Date;
  /** Seq of the newest message (0 when none). */
  lastSeq: number;
  activityAt: Date;
}

export interface Member {
  conversationId: string;
  userId: string;
  role: MemberRole;
  joinedAt: Date;
  joinedSeq: number;
  lastDeliveredSeq: number;
  lastReadSeq: number;
  mutedUntil: Date | null;
}

export interface StoredAttachment {
  id: string;
  key: string;
  contentType: string;
  size: number;
}

export interface Message {
  conversationId: string;
  seq: number;
  id: string;
  senderId: string;
  clientMessageId: string | null;
  type: MessageType;
  body: MessageBody | Record<string, never>;
  attachments: StoredAttachment[];
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
}

/** Who is acting, with the tier that applies to them now (see TierPolicy). */
export interface Actor {
  userId: string;
  tier: 'free' | 'premium';
}

/** The lowest watermarks among the members other than the viewer (null when the viewer is alone). */
export interface OthersProgress {
  delivered: number;
  read: number;
}

export function othersProgress(members: Member[], viewerId: string): OthersProgress | null {
  const others = members.filter((member) => member.userId !== viewerId);
  if (others.length === 0) return null;
  return {
    delivered: Math.min(...others.map((member) => member.lastDeliveredSeq)),
    read: Math.min(...others.map((member) => member.lastReadSeq)),
  };
}

/**
 * Status of a message as the viewer sees it. For its sender the slowest other member decides (a group message is
 * "read" once everyone read it); for the others it reached them, so it is delivered, or read by them.
 */
export function statusFor(
  message: Pick<Message, 'senderId' | 'seq'>,
  viewer: Pick<Member, 'userId' | 'lastReadSeq'>,
  others: OthersProgress | null,
): MessageStatus {
  if (message.senderId !== viewer.userId) return viewer.lastReadSeq >= message.seq ? 'read' : 'delivered';
  if (!others) return 'sent';
  if (others.read >= message.seq) return 'read';
  if (others.delivered >= message.seq) return 'delivered';
  return 'sent';
}

/** The pair key that makes a direct conversation unique whoever starts it. */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}
