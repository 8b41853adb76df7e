import type { ObjectStorage } from '@diaspora/service-kit/storage';
import type { ConversationDetail } from './conversations-service.js';
import type { MessageType } from './message-content.js';
import { type Member, type Message, type MessageStatus, othersProgress, statusFor } from './model.js';
import type { ConversationSummary } from './ports.js';

export interface AttachmentView {
  id: string;
  contentType: string;
  size: number;
  url: string;
}

export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  type: MessageType;
  body: Record<string, unknown>;
  attachments: AttachmentView[];
  clientMessageId?: string;
  createdAt: string;
  editedAt?: string;
  deletedAt?: string;
  status: MessageStatus;
}

/** Signed media links are good for an hour: long enough to render a conversation, short enough to not leak far. */
const LINK_TTL_SECONDS = 3600;

/**
 * Turns domain objects into the API's shapes. Kept in the domain because both transports use it: HTTP responses
 * and WebSocket frames (realtime/) must show a message identically, and neither transport imports the other.
 */
export class Views {
  constructor(private readonly storage: ObjectStorage) {}

  async message(message: Message, status: MessageStatus): Promise<MessageView> {
    const attachments = await Promise.all(
      message.attachments.map(async (attachment) => ({
        id: attachment.id,
        contentType: attachment.contentType,
        size: attachment.size,
        url: await this.storage.signedUrl(attachment.key, { expiresInSeconds: LINK_TTL_SECONDS }),
      })),
    );
    return {
      id: message.id,
      conversationId: message.conversationId,
      seq: message.seq,
      senderId: message.senderId,
      type: message.type,
      body: message.body as Record<string, unknown>,
      attachments,
      ...(message.clientMessageId ? { clientMessageId: message.clientMessageId } : {}),
      createdAt: message.createdAt.toISOString(),
      ...(message.editedAt ? { editedAt: message.editedAt.toISOString() } : {}),
      ...(message.deletedAt ? { deletedAt: message.deletedAt.toISOString() } : {}),
      status,
    };
  }

  /** A page of history as `viewerId` sees it (statuses from the members' watermarks). */
  messages(messages: Message[], members: Member[], viewerId: string): Promise<MessageView[]> {
    const me = members.find((member) => member.userId === viewerId) ?? { userId: viewerId, lastReadSeq: 0 };
    const others = othersProgress(members, viewerId);
    return Promise.all(messages.map((message) => this.message(message, statusFor(message, me, others))));
  }

  async conversation(summary: ConversationSummary) {
    const { conversation, me } = summary;
    const muted = me.mutedUntil !== null && me.mutedUntil.getTime() > Date.now();
    return {
      id: conversation.id,
      type: conversation.type,
      participantIds: summary.memberIds,
      ...(conversation.title ? { title: conversation.title } : {}),
      ...(summary.lastMessage
        ? { lastMessage: await this.message(summary.lastMessage, statusFor(summary.lastMessage, me, summary.others)) }
        : {}),
      unreadCount: summary.unreadCount,
      role: me.role,
      muted,
      ...(muted ? { mutedUntil: me.mutedUntil!.toISOString() } : {}),
      createdAt: conversation.createdAt.toISOString(),
      activityAt: conversation.activityAt.toISOString(),
    };
  }

  async conversationDetail(detail: ConversationDetail) {
    return {
      ...(await this.conversation(detail)),
      members: detail.members.map((member) => ({
        userId: member.userId,
        role: member.role,
        joinedAt: member.joinedAt.toISOString(),
        lastDeliveredSeq: member.lastDeliveredSeq,
        lastReadSeq: member.lastReadSeq,
      })),
    };
  }
}
