import { idempotencyMigrations, type Migration } from '@diaspora/service-kit';

const VISIBLE = `deleted_at IS NULL AND state IN ('published', 'flagged')`;

export const migrations: Migration[] = [
  ...idempotencyMigrations,
  {
    // The PostgreSQL content-store adapter (CONTENT_STORE=postgres): documents in JSONB, with the fields that
    // feeds, counters and moderation filter or change concurrently kept in columns of their own.
    id: '0001_content_store',
    up: `
      CREATE TABLE content_posts (
        id text PRIMARY KEY,
        author_id text NOT NULL,
        state text NOT NULL,
        visibility text NOT NULL,
        origin_country text,
        residence_country text,
        city_key text,
        language text NOT NULL,
        domain text,
        lat double precision,
        lon double precision,
        shared_post_id text,
        like_count integer NOT NULL DEFAULT 0 CHECK (like_count >= 0),
        comment_count integer NOT NULL DEFAULT 0 CHECK (comment_count >= 0),
        share_count integer NOT NULL DEFAULT 0 CHECK (share_count >= 0),
        report_count integer NOT NULL DEFAULT 0,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        deleted_at timestamptz,
        doc jsonb NOT NULL
      );
      CREATE INDEX content_posts_author ON content_posts (author_id, id DESC);
      CREATE INDEX content_posts_origin ON content_posts (origin_country, id DESC) WHERE ${VISIBLE};
      CREATE INDEX content_posts_city ON content_posts (residence_country, city_key, id DESC) WHERE ${VISIBLE};
      CREATE INDEX content_posts_language ON content_posts (language, id DESC) WHERE ${VISIBLE};
      CREATE INDEX content_posts_domain ON content_posts (domain, id DESC) WHERE ${VISIBLE} AND domain IS NOT NULL;
      CREATE INDEX content_posts_visible ON content_posts (id DESC) WHERE ${VISIBLE};
      CREATE INDEX content_posts_geo ON content_posts (lat, lon) WHERE ${VISIBLE} AND lat IS NOT NULL;
      CREATE INDEX content_posts_queue ON content_posts (state, id DESC)
        WHERE deleted_at IS NULL AND state IN ('held', 'flagged', 'hidden');

      CREATE TABLE content_comments (
        id text PRIMARY KEY,
        post_id text NOT NULL,
        author_id text NOT NULL,
        parent_id text,
        state text NOT NULL,
        origin_country text,
        residence_country text,
        city_key text,
        report_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        deleted_at timestamptz,
        doc jsonb NOT NULL
      );
      CREATE INDEX content_comments_post ON content_comments (post_id, id) WHERE ${VISIBLE};
      CREATE INDEX content_comments_author ON content_comments (author_id);
      CREATE INDEX content_comments_queue ON content_comments (state, id DESC)
        WHERE deleted_at IS NULL AND state IN ('held', 'flagged', 'hidden');

      CREATE TABLE content_likes (
        post_id text NOT NULL,
        user_id text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (post_id, user_id)
      );
      CREATE INDEX content_likes_user ON content_likes (user_id, post_id);

      CREATE TABLE content_reports (
        id text PRIMARY KEY,
        target_type text NOT NULL,
        target_id text NOT NULL,
        reporter_id text NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL,
        UNIQUE (target_type, target_id, reporter_id)
      );
      CREATE INDEX content_reports_reporter ON content_reports (reporter_id);`,
    down: 'DROP TABLE content_reports, content_likes, content_comments, content_posts;',
  },
  {
    // Read models fed by other services' events, and the precomputed timelines (fan-out on write).
    id: '0002_read_models_and_timelines',
    up: `
      CREATE TABLE members (
        user_id text PRIMARY KEY,
        display_name text NOT NULL,
        avatar_url text,
        origin_country text,
        residence_country text,
        residence_city text,
        languages text[] NOT NULL DEFAULT '{}',
        source_at timestamptz NOT NULL
      );
      CREATE TABLE follows (
        follower_id text NOT NULL,
        followee_id text NOT NULL,
        PRIMARY KEY (follower_id, followee_id)
      );
      CREATE INDEX follows_followee ON follows (followee_id, follower_id);
      CREATE TABLE connections (
        user_id text NOT NULL,
        other_id text NOT NULL,
        PRIMARY KEY (user_id, other_id)
      );
      CREATE TABLE blocks (
        blocker_id text NOT NULL,
        blocked_id text NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
      );
      CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id);

      CREATE TABLE timeline_owners (
        user_id text PRIMARY KEY,
        last_seen_at timestamptz NOT NULL,
        built_at timestamptz
      );
      CREATE INDEX timeline_owners_seen ON timeline_owners (last_seen_at);
      CREATE TABLE timelines (
        user_id text NOT NULL,
        post_id text NOT NULL,
        author_id text NOT NULL,
        PRIMARY KEY (user_id, post_id)
      );
      CREATE INDEX timelines_author ON timelines (author_id);

      CREATE TABLE event_cards (
        event_id text PRIMARY KEY,
        status text NOT NULL,
        domain text NOT NULL,
        country text,
        city_key text,
        lat double precision,
        lon double precision,
        online boolean NOT NULL,
        languages text[] NOT NULL,
        starts_at timestamptz NOT NULL,
        registered_count integer NOT NULL,
        capacity integer NOT NULL,
        snapshot jsonb NOT NULL,
        source_at timestamptz NOT NULL
      );
      CREATE INDEX event_cards_upcoming ON event_cards (starts_at) WHERE status = 'published';

      CREATE TABLE media_uploads (
        id text PRIMARY KEY,
        owner_id text NOT NULL,
        key text NOT NULL,
        content_type text NOT NULL,
        size integer NOT NULL,
        post_id text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX media_uploads_owner ON media_uploads (owner_id);
      CREATE INDEX media_uploads_unattached ON media_uploads (created_at) WHERE post_id IS NULL;`,
    down: `DROP TABLE media_uploads, event_cards, timelines, timeline_owners, blocks, connections, follows, members;`,
  },
  {
    // Platform settings set in the admin dashboard and applied here (admin.settings.updated).
    id: '0003_platform_settings',
    up: 'CREATE TABLE platform_settings (name text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamptz NOT NULL);',
    down: 'DROP TABLE platform_settings;',
  },
];
