import type { Migration } from '@diaspora/service-kit';

export const migrations: Migration[] = [
  {
    id: '0001_conversations_messages',
    up: `
      CREATE TABLE conversations (
        id text PRIMARY KEY,
        type text NOT NULL CHECK (type IN ('direct', 'group')),
        title text,
        -- '<smaller user id>:<larger user id>' for direct conversations: one per pair.
        direct_key text,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Per-conversation message sequence: taken under this row's lock, so commit order = seq order.
        last_seq bigint NOT NULL DEFAULT 0,
        activity_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX conversations_direct_key ON conversations (direct_key) WHERE direct_key IS NOT NULL;

      CREATE TABLE conversation_members (
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        user_id text NOT NULL,
        role text NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
        joined_at timestamptz NOT NULL DEFAULT now(),
        -- Members see the messages after the one that was last when they joined.
        joined_seq bigint NOT NULL DEFAULT 0,
        -- Statuses as watermarks: every message up to these seqs reached a device of / was read by this member.
        last_delivered_seq bigint NOT NULL DEFAULT 0,
        last_read_seq bigint NOT NULL DEFAULT 0,
        muted_until timestamptz,
        PRIMARY KEY (conversation_id, user_id),
        CHECK (last_read_seq <= last_delivered_seq)
      );
      CREATE INDEX conversation_members_user ON conversation_members (user_id);

      CREATE TABLE messages (
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        id text NOT NULL,
        sender_id text NOT NULL,
        client_message_id text,
        type text NOT NULL CHECK (type IN ('text', 'emoji', 'location', 'contact')),
        body jsonb NOT NULL,
        attachments jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        edited_at timestamptz,
        deleted_at timestamptz,
        -- History pages, gap fills and catch-up are all range scans of this key, however many rows there are.
        PRIMARY KEY (conversation_id, seq)
      );
      CREATE UNIQUE INDEX messages_id ON messages (id);
      -- Idempotent sends, and the sender's own messages for export and erasure.
      CREATE UNIQUE INDEX messages_sender_client_id ON messages (sender_id, client_message_id);

      CREATE TABLE media (
        id text PRIMARY KEY,
        owner_id text NOT NULL,
        storage_key text NOT NULL,
        content_type text NOT NULL,
        size_bytes integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        message_id text
      );
      CREATE INDEX media_owner ON media (owner_id);
      CREATE INDEX media_unattached ON media (created_at) WHERE message_id IS NULL;

      -- The tier from users.tier.changed: a token issued before the change is overruled by it.
      CREATE TABLE user_tiers (
        user_id text PRIMARY KEY,
        tier text NOT NULL CHECK (tier IN ('free', 'premium')),
        changed_at timestamptz NOT NULL
      );`,
    down: 'DROP TABLE user_tiers; DROP TABLE media; DROP TABLE messages; DROP TABLE conversation_members; DROP TABLE conversations;',
  },
  {
    id: '0002_blocks',
    // A read model of users.block.*: an existing direct conversation stops at once when either side blocks the other.
    up: `
      CREATE TABLE blocks (
        blocker_id text NOT NULL,
        blocked_id text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
      );
      CREATE INDEX blocks_blocked ON blocks (blocked_id);`,
    down: 'DROP TABLE blocks;',
  },
  {
    // Platform settings set in the admin dashboard and applied here (admin.settings.updated).
    id: '0003_platform_settings',
    up: `CREATE TABLE platform_settings (name text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamptz NOT NULL);`,
    down: 'DROP TABLE platform_settings;',
  },
];
