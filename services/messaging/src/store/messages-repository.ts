import { isUniqueViolation, type Queryable } from '@diaspora/service-kit';
import type { MessageBody } from '../domain/message-content.js';
import type { Message } from '../domain/model.js';
import { type AppendResult, ClientMessageIdTaken, type MessageStore, type NewMessage } from '../domain/ports.js';
import { toMessage } from './rows.js';

// One statement: take the next seq under the conversation row's lock (so seqs commit in order), insert, and move
// the sender's own watermarks (sending implies having read everything before). No row when not a member.
const APPEND = `
  WITH bumped AS (
    UPDATE conversations SET last_seq = last_seq + 1, activity_at = clock_timestamp()
     WHERE id = $1 AND EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = $1 AND user_id = $2)
    RETURNING last_seq, type
  ), inserted AS (
    INSERT INTO messages (conversation_id, seq, id, sender_id, client_message_id, type, body, attachments, created_at)
    SELECT $1, last_seq, $3, $2, $4, $5, $6, $7, clock_timestamp() FROM bumped
    RETURNING *
  ), own AS (
    UPDATE conversation_members SET last_read_seq = inserted.seq,
           last_delivered_seq = greatest(conversation_members.last_delivered_seq, inserted.seq)
      FROM inserted WHERE conversation_members.conversation_id = $1 AND conversation_members.user_id = $2
  )
  SELECT inserted.*, (SELECT type FROM bumped) AS conversation_type,
         (SELECT array_agg(user_id) FROM conversation_members WHERE conversation_id = $1) AS member_ids
    FROM inserted`;

export class PgMessageStore implements MessageStore {
  constructor(private readonly db: Queryable) {}

  async append(message: NewMessage): Promise<AppendResult> {
    let rows: Record<string, unknown>[];
    try {
      ({ rows } = await this.db.query(APPEND, [
        message.conversationId,
        message.senderId,
        message.id,
        message.clientMessageId,
        message.type,
        JSON.stringify(message.body),
        JSON.stringify(message.attachments),
      ]));
    } catch (error) {
      if (isUniqueViolation(error, 'messages_sender_client_id')) throw new ClientMessageIdTaken();
      throw error;
    }
    const row = rows[0];
    if (!row) return { outcome: 'not_member' };
    return {
      outcome: 'created',
      message: toMessage(row),
      conversationType: row.conversation_type as 'direct' | 'group',
      memberIds: row.member_ids as string[],
    };
  }

  async findByClientId(senderId: string, clientMessageId: string): Promise<Message | null> {
    const { rows } = await this.db.query('SELECT * FROM messages WHERE sender_id = $1 AND client_message_id = $2', [
      senderId,
      clientMessageId,
    ]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async findById(id: string): Promise<Message | null> {
    const { rows } = await this.db.query('SELECT * FROM messages WHERE id = $1', [id]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async page(conversationId: string, options: { beforeSeq: number | null; minSeq: number; limit: number }) {
    const { rows } = await this.db.query(
      `SELECT * FROM messages WHERE conversation_id = $1 AND seq > $2 AND ($3::bigint IS NULL OR seq < $3)
        ORDER BY seq DESC LIMIT $4`,
      [conversationId, options.minSeq, options.beforeSeq, options.limit],
    );
    return rows.map(toMessage);
  }

  async between(conversationId: string, afterSeq: number, beforeSeq: number): Promise<Message[]> {
    const { rows } = await this.db.query(
      'SELECT * FROM messages WHERE conversation_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq',
      [conversationId, afterSeq, beforeSeq],
    );
    return rows.map(toMessage);
  }

  async after(positions: Map<string, number>, limit: number): Promise<Message[]> {
    if (positions.size === 0) return [];
    const { rows } = await this.db.query(
      `SELECT m.* FROM unnest($1::text[], $2::bigint[]) AS p (conversation_id, after_seq)
         CROSS JOIN LATERAL (SELECT * FROM messages x WHERE x.conversation_id = p.conversation_id
                              AND x.seq > p.after_seq ORDER BY x.seq LIMIT $3) m`,
      [[...positions.keys()], [...positions.values()], limit],
    );
    return inTimeOrder(rows.map(toMessage)).slice(0, limit);
  }

  async edit(id: string, body: MessageBody): Promise<Message> {
    const { rows } = await this.db.query('UPDATE messages SET body = $2, edited_at = now() WHERE id = $1 RETURNING *', [
      id,
      JSON.stringify(body),
    ]);
    return toMessage(rows[0]!);
  }

  async tombstone(id: string): Promise<Message> {
    const { rows } = await this.db.query(
      `UPDATE messages SET body = '{}', attachments = '[]', deleted_at = now() WHERE id = $1 RETURNING *`,
      [id],
    );
    await this.db.query('DELETE FROM media WHERE message_id = $1', [id]);
    return toMessage(rows[0]!);
  }
}

/**
 * Orders messages of several conversations by time while keeping each conversation's seq order: each message is
 * keyed by the latest timestamp seen so far in its conversation (monotonic along seq), then sorted by that key.
 */
export function inTimeOrder(messages: Message[]): Message[] {
  const byConversation = new Map<string, Message[]>();
  for (const message of messages) {
    const list = byConversation.get(message.conversationId) ?? [];
    list.push(message);
    byConversation.set(message.conversationId, list);
  }
  const keyed: { key: number; message: Message }[] = [];
  for (const list of byConversation.values()) {
    list.sort((a, b) => a.seq - b.seq);
    let running = 0;
    for (const message of list) {
      running = Math.max(running, message.createdAt.getTime());
      keyed.push({ key: running, message });
    }
  }
  keyed.sort(
    (a, b) =>
      a.key - b.key ||
      a.message.conversationId.localeCompare(b.message.conversationId) ||
      a.message.seq - b.message.seq,
  );
  return keyed.map(({ message }) => message);
}
