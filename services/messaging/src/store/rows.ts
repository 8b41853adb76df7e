import type { Conversation, Member, Message, StoredAttachment } from '../domain/model.js';

// Row shapes as pg returns them (bigint as string; from to_jsonb, timestamps as strings too).
type Row = Record<string, unknown>;

const date = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));
const dateOrNull = (value: unknown) => (value === null || value === undefined ? null : date(value));

export function toConversation(row: Row): Conversation {
  return {
    id: String(row.id),
    type: row.type as Conversation['type'],
    title: (row.title as string | null) ?? null,
    createdBy: (row.created_by as string | null) ?? null,
    createdAt: date(row.created_at),
    lastSeq: Number(row.last_seq),
    activityAt: date(row.activity_at),
  };
}

export function toMember(row: Row): Member {
  return {
    conversationId: String(row.conversation_id),
    userId: String(row.user_id),
    role: row.role as Member['role'],
    joinedAt: date(row.joined_at),
    joinedSeq: Number(row.joined_seq),
    lastDeliveredSeq: Number(row.last_delivered_seq),
    lastReadSeq: Number(row.last_read_seq),
    mutedUntil: dateOrNull(row.muted_until),
  };
}

export function toMessage(row: Row): Message {
  return {
    conversationId: String(row.conversation_id),
    seq: Number(row.seq),
    id: String(row.id),
    senderId: String(row.sender_id),
    clientMessageId: (row.client_message_id as string | null) ?? null,
    type: row.type as Message['type'],
    body: row.body as Message['body'],
    attachments: (row.attachments as StoredAttachment[] | null) ?? [],
    createdAt: date(row.created_at),
    editedAt: dateOrNull(row.edited_at),
    deletedAt: dateOrNull(row.deleted_at),
  };
}

export const MEMBER_COLUMNS =
  'conversation_id, user_id, role, joined_at, joined_seq, last_delivered_seq, last_read_seq, muted_until';
