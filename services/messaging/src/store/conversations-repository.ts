import type { Queryable } from '@diaspora/service-kit';
import { type Conversation, directKey, type Member, type MemberRole } from '../domain/model.js';
import type {
  ConversationPosition,
  ConversationStore,
  ConversationSummary,
  DeliveredEntry,
  Membership,
} from '../domain/ports.js';
import { MEMBER_COLUMNS, toConversation, toMember, toMessage } from './rows.js';

function toProgress(value: unknown): ConversationSummary['others'] {
  const progress = value as { delivered: number | string | null; read: number | string | null } | null;
  if (!progress || progress.delivered === null || progress.read === null) return null;
  return { delivered: Number(progress.delivered), read: Number(progress.read) };
}

/**
 * Conversations and their members (the per-member watermarks live on the member rows). Built over the pool or a
 * transaction's client: the methods of several statements are called on a scope (see ports.ts).
 */
export class PgConversationStore implements ConversationStore {
  constructor(private readonly db: Queryable) {}

  async openDirect(input: { id: string; creatorId: string; peerId: string }) {
    const key = directKey(input.creatorId, input.peerId);
    const inserted = await this.db.query(
      `INSERT INTO conversations (id, type, direct_key, created_by) VALUES ($1, 'direct', $2, $3)
       ON CONFLICT (direct_key) WHERE direct_key IS NOT NULL DO NOTHING RETURNING *`,
      [input.id, key, input.creatorId],
    );
    if (inserted.rows[0]) {
      await this.db.query(
        `INSERT INTO conversation_members (conversation_id, user_id, role) VALUES ($1, $2, 'member'), ($1, $3, 'member')`,
        [input.id, input.creatorId, input.peerId],
      );
      return { conversation: toConversation(inserted.rows[0]), created: true };
    }
    const existing = await this.db.query('SELECT * FROM conversations WHERE direct_key = $1', [key]);
    return { conversation: toConversation(existing.rows[0]!), created: false };
  }

  async createGroup(input: { id: string; creatorId: string; title: string; memberIds: string[] }) {
    const { rows } = await this.db.query(
      `INSERT INTO conversations (id, type, title, created_by) VALUES ($1, 'group', $2, $3) RETURNING *`,
      [input.id, input.title, input.creatorId],
    );
    await this.db.query(
      `INSERT INTO conversation_members (conversation_id, user_id, role)
       SELECT $1, user_id, CASE WHEN user_id = $2 THEN 'admin' ELSE 'member' END FROM unnest($3::text[]) AS user_id`,
      [input.id, input.creatorId, [input.creatorId, ...input.memberIds.filter((id) => id !== input.creatorId)]],
    );
    return toConversation(rows[0]!);
  }

  async find(id: string): Promise<Conversation | null> {
    const { rows } = await this.db.query('SELECT * FROM conversations WHERE id = $1', [id]);
    return rows[0] ? toConversation(rows[0]) : null;
  }

  async member(conversationId: string, userId: string): Promise<Member | null> {
    const { rows } = await this.db.query(
      `SELECT ${MEMBER_COLUMNS} FROM conversation_members WHERE conversation_id = $1 AND user_id = $2`,
      [conversationId, userId],
    );
    return rows[0] ? toMember(rows[0]) : null;
  }

  async members(conversationId: string): Promise<Member[]> {
    const { rows } = await this.db.query(
      `SELECT ${MEMBER_COLUMNS} FROM conversation_members WHERE conversation_id = $1 ORDER BY joined_at, user_id`,
      [conversationId],
    );
    return rows.map(toMember);
  }

  private summaries(where: string, params: unknown[], tail: string) {
    // Unread: others' live messages after what the member read (or joined), counted up to 1000 via the primary key.
    return this.db.query(
      `SELECT c.*, (extract(epoch FROM c.activity_at) * 1000000)::bigint AS activity_us,
              to_jsonb(m) AS me,
              (SELECT array_agg(user_id ORDER BY joined_at, user_id) FROM conversation_members WHERE conversation_id = c.id) AS member_ids,
              (SELECT json_build_object('delivered', min(o.last_delivered_seq), 'read', min(o.last_read_seq))
                 FROM conversation_members o WHERE o.conversation_id = c.id AND o.user_id <> m.user_id) AS others,
              (SELECT to_jsonb(x) FROM messages x WHERE x.conversation_id = c.id AND x.seq = c.last_seq AND x.seq > m.joined_seq) AS last_message,
              (SELECT count(*) FROM (SELECT 1 FROM messages u WHERE u.conversation_id = c.id
                 AND u.seq > greatest(m.last_read_seq, m.joined_seq) AND u.sender_id <> m.user_id AND u.deleted_at IS NULL
                 LIMIT 1000) unread) AS unread_count
         FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
        WHERE ${where} ${tail}`,
      params,
    );
  }

  private static toSummary(row: Record<string, unknown>): ConversationSummary {
    return {
      conversation: toConversation(row),
      memberIds: (row.member_ids as string[] | null) ?? [],
      me: toMember(row.me as Record<string, unknown>),
      lastMessage: row.last_message ? toMessage(row.last_message as Record<string, unknown>) : null,
      unreadCount: Number(row.unread_count),
      others: toProgress(row.others),
    };
  }

  async listFor(userId: string, page: { limit: number; after?: ConversationPosition | undefined }) {
    const { rows } = await this.summaries(
      `m.user_id = $1 AND ($2::bigint IS NULL OR ((extract(epoch FROM c.activity_at) * 1000000)::bigint, c.id) < ($2::bigint, $3::text))`,
      [userId, page.after?.[0] ?? null, page.after?.[1] ?? null, page.limit + 1],
      'ORDER BY c.activity_at DESC, c.id DESC LIMIT $4',
    );
    const items = rows.slice(0, page.limit).map(PgConversationStore.toSummary);
    const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
    const next: ConversationPosition | null = last ? [String(last.activity_us), String(last.id)] : null;
    return { items, next };
  }

  async summary(conversationId: string, userId: string): Promise<ConversationSummary | null> {
    const { rows } = await this.summaries('m.conversation_id = $1 AND m.user_id = $2', [conversationId, userId], '');
    return rows[0] ? PgConversationStore.toSummary(rows[0]) : null;
  }

  async summaryOfPair(userId: string, peerId: string): Promise<ConversationSummary | null> {
    const { rows } = await this.summaries(
      'c.direct_key = $1 AND m.user_id = $2',
      [directKey(userId, peerId), userId],
      '',
    );
    return rows[0] ? PgConversationStore.toSummary(rows[0]) : null;
  }

  async addMembers(conversationId: string, userIds: string[]): Promise<string[]> {
    const { rows } = await this.db.query<{ user_id: string }>(
      `INSERT INTO conversation_members (conversation_id, user_id, role, joined_seq, last_delivered_seq, last_read_seq)
       SELECT c.id, u, 'member', c.last_seq, c.last_seq, c.last_seq FROM conversations c, unnest($2::text[]) AS u
        WHERE c.id = $1
       ON CONFLICT DO NOTHING RETURNING user_id`,
      [conversationId, userIds],
    );
    return rows.map((row) => row.user_id);
  }

  async removeMember(conversationId: string, userId: string): Promise<boolean> {
    return removeMemberIn(this.db, conversationId, userId);
  }

  async setRole(conversationId: string, userId: string, role: MemberRole): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE conversation_members SET role = $3 WHERE conversation_id = $1 AND user_id = $2',
      [conversationId, userId, role],
    );
    return rowCount === 1;
  }

  async setTitle(conversationId: string, title: string): Promise<void> {
    await this.db.query('UPDATE conversations SET title = $2 WHERE id = $1', [conversationId, title]);
  }

  async setMute(conversationId: string, userId: string, until: Date | null): Promise<void> {
    await this.db.query(
      'UPDATE conversation_members SET muted_until = $3 WHERE conversation_id = $1 AND user_id = $2',
      [conversationId, userId, until],
    );
  }

  async memberships(userId: string): Promise<Membership[]> {
    const { rows } = await this.db.query(
      `SELECT m.conversation_id, c.last_seq, m.joined_seq, m.last_delivered_seq
         FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id WHERE m.user_id = $1`,
      [userId],
    );
    return rows.map((row) => ({
      conversationId: String(row.conversation_id),
      lastSeq: Number(row.last_seq),
      joinedSeq: Number(row.joined_seq),
      lastDeliveredSeq: Number(row.last_delivered_seq),
    }));
  }

  async advanceDelivered(entries: DeliveredEntry[]): Promise<DeliveredEntry[]> {
    if (entries.length === 0) return [];
    // Only inside a transaction does SET LOCAL apply (and end with it): hence "in a scope".
    await this.db.query('SET LOCAL synchronous_commit TO OFF');
    const { rows } = await this.db.query(
      `UPDATE conversation_members m SET last_delivered_seq = b.seq
         FROM unnest($1::text[], $2::text[], $3::bigint[]) AS b (conversation_id, user_id, seq)
        WHERE m.conversation_id = b.conversation_id AND m.user_id = b.user_id AND m.last_delivered_seq < b.seq
       RETURNING m.conversation_id, m.user_id, m.last_delivered_seq`,
      [entries.map((e) => e.conversationId), entries.map((e) => e.userId), entries.map((e) => e.seq)],
    );
    return rows.map((row) => ({
      conversationId: String(row.conversation_id),
      userId: String(row.user_id),
      seq: Number(row.last_delivered_seq),
    }));
  }

  async advanceRead(conversationId: string, userId: string, seq: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE conversation_members SET last_read_seq = $3, last_delivered_seq = greatest(last_delivered_seq, $3)
        WHERE conversation_id = $1 AND user_id = $2 AND last_read_seq < $3`,
      [conversationId, userId, seq],
    );
    return rowCount === 1;
  }

  async blockedEitherWay(a: string, b: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'SELECT 1 FROM blocks WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1)',
      [a, b],
    );
    return (rowCount ?? 0) > 0;
  }

  async directPeers(userId: string, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ user_id: string }>(
      `SELECT o.user_id FROM conversation_members m
         JOIN conversations c ON c.id = m.conversation_id AND c.type = 'direct'
         JOIN conversation_members o ON o.conversation_id = m.conversation_id AND o.user_id <> m.user_id
        WHERE m.user_id = $1 ORDER BY c.activity_at DESC LIMIT $2`,
      [userId, limit],
    );
    return rows.map((row) => row.user_id);
  }
}

/**
 * Removes a member inside `tx`: a group keeps an admin (the longest-standing member is promoted) and disappears
 * with its last member; a direct conversation forgets the pair key (it names the user) and goes once empty.
 */
export async function removeMemberIn(tx: Queryable, conversationId: string, userId: string): Promise<boolean> {
  const removed = await tx.query(
    'DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2 RETURNING role',
    [conversationId, userId],
  );
  if (removed.rowCount !== 1) return false;
  const { rows } = await tx.query<{ members: string; admins: string; type: string }>(
    `SELECT c.type, count(m.user_id) AS members, count(m.user_id) FILTER (WHERE m.role = 'admin') AS admins
       FROM conversations c LEFT JOIN conversation_members m ON m.conversation_id = c.id
      WHERE c.id = $1 GROUP BY c.id`,
    [conversationId],
  );
  const state = rows[0];
  if (!state) return true;
  if (Number(state.members) === 0) {
    await tx.query('DELETE FROM conversations WHERE id = $1', [conversationId]);
  } else if (state.type === 'direct') {
    await tx.query('UPDATE conversations SET direct_key = NULL WHERE id = $1', [conversationId]);
  } else if (Number(state.admins) === 0) {
    await tx.query(
      `UPDATE conversation_members SET role = 'admin' WHERE (conversation_id, user_id) =
        (SELECT conversation_id, user_id FROM conversation_members WHERE conversation_id = $1
          ORDER BY joined_at, user_id LIMIT 1)`,
      [conversationId],
    );
  }
  return true;
}
