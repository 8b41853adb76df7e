import type { Queryable } from '@diaspora/service-kit';
import type { MemberDataStore } from '../domain/ports.js';
import { removeMemberIn } from './conversations-repository.js';

/** Stands in for the sender of messages whose author erased their account. */
export const ERASED_USER_ID = 'usr_erased';

/** What the messaging service holds about one member: tiers, GDPR export and erasure. */
export class PgMemberData implements MemberDataStore {
  constructor(private readonly db: Queryable) {}

  async tier(userId: string): Promise<{ tier: 'free' | 'premium'; changedAt: Date } | null> {
    const { rows } = await this.db.query('SELECT tier, changed_at FROM user_tiers WHERE user_id = $1', [userId]);
    const row = rows[0];
    return row ? { tier: row.tier as 'free' | 'premium', changedAt: row.changed_at as Date } : null;
  }

  async setTier(userId: string, tier: 'free' | 'premium', changedAt: string): Promise<void> {
    await this.db.query(
      `INSERT INTO user_tiers (user_id, tier, changed_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET tier = excluded.tier, changed_at = excluded.changed_at
        WHERE user_tiers.changed_at < excluded.changed_at`,
      [userId, tier, changedAt],
    );
  }

  async setBlock(blockerId: string, blockedId: string, blocked: boolean, at: string): Promise<void> {
    if (blocked)
      await this.db.query(
        'INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [blockerId, blockedId, at],
      );
    else await this.db.query('DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [blockerId, blockedId]);
  }

  async export(userId: string): Promise<Record<string, unknown>> {
    const [conversations, messages, media, tier] = await Promise.all([
      this.db.query(
        `SELECT c.id, c.type, c.title, m.role, m.joined_at, m.muted_until, m.last_read_seq
           FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
          WHERE m.user_id = $1 ORDER BY m.joined_at`,
        [userId],
      ),
      this.db.query(
        `SELECT id, conversation_id, type, body, attachments, client_message_id, created_at, edited_at, deleted_at
           FROM messages WHERE sender_id = $1 ORDER BY created_at`,
        [userId],
      ),
      this.db.query(
        'SELECT id, content_type, size_bytes, created_at, message_id FROM media WHERE owner_id = $1 ORDER BY created_at',
        [userId],
      ),
      this.tier(userId),
    ]);
    return {
      conversations: conversations.rows.map((row) => ({
        id: row.id,
        type: row.type,
        title: row.title ?? undefined,
        role: row.role,
        joinedAt: (row.joined_at as Date).toISOString(),
        mutedUntil: row.muted_until ? (row.muted_until as Date).toISOString() : undefined,
      })),
      messagesSent: messages.rows.map((row) => ({
        id: row.id,
        conversationId: row.conversation_id,
        type: row.type,
        body: row.body,
        attachments: (row.attachments as { id: string; contentType: string; size: number }[]).map(
          ({ id, contentType, size }) => ({ id, contentType, size }),
        ),
        clientMessageId: row.client_message_id,
        createdAt: (row.created_at as Date).toISOString(),
        editedAt: row.edited_at ? (row.edited_at as Date).toISOString() : undefined,
        deletedAt: row.deleted_at ? (row.deleted_at as Date).toISOString() : undefined,
      })),
      media: media.rows.map((row) => ({
        id: row.id,
        contentType: row.content_type,
        size: Number(row.size_bytes),
        createdAt: (row.created_at as Date).toISOString(),
        messageId: row.message_id ?? undefined,
      })),
      ...(tier ? { tier: { tier: tier.tier, changedAt: tier.changedAt.toISOString() } } : {}),
    };
  }

  async erase(userId: string): Promise<string[]> {
    const media = await this.db.query<{ storage_key: string }>(
      'DELETE FROM media WHERE owner_id = $1 RETURNING storage_key',
      [userId],
    );
    await this.db.query(
      `UPDATE messages SET body = '{}', attachments = '[]', client_message_id = NULL, sender_id = $2,
              deleted_at = coalesce(deleted_at, now())
        WHERE sender_id = $1`,
      [userId, ERASED_USER_ID],
    );
    const { rows } = await this.db.query<{ conversation_id: string }>(
      'SELECT conversation_id FROM conversation_members WHERE user_id = $1',
      [userId],
    );
    for (const row of rows) await removeMemberIn(this.db, row.conversation_id, userId);
    await this.db.query('DELETE FROM user_tiers WHERE user_id = $1', [userId]);
    await this.db.query('DELETE FROM blocks WHERE blocker_id = $1 OR blocked_id = $1', [userId]);
    return media.rows.map((row) => row.storage_key);
  }
}
