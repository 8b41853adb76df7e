import type { Migration } from '@diaspora/service-kit';

export const migrations: Migration[] = [
  {
    id: '0001_users_and_sessions',
    up: `
      CREATE TABLE users (
        id text PRIMARY KEY,
        email text NOT NULL CHECK (email = lower(email)),
        email_verified boolean NOT NULL DEFAULT false,
        phone text,
        phone_verified boolean NOT NULL DEFAULT false,
        password_hash text,
        display_name text NOT NULL,
        bio text,
        avatar_url text,
        origin_country char(2) NOT NULL,
        residence_country char(2) NOT NULL,
        residence_city text NOT NULL,
        languages text[] NOT NULL DEFAULT '{}',
        domains text[] NOT NULL DEFAULT '{}',
        roles text[] NOT NULL DEFAULT '{regular}',
        tier text NOT NULL DEFAULT 'free' CHECK (tier IN ('free', 'premium')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_key ON users (email);
      CREATE INDEX users_community ON users (origin_country, residence_country, residence_city);

      CREATE TABLE refresh_tokens (
        id text PRIMARY KEY,
        family_id text NOT NULL,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text,
        user_agent text,
        ip inet
      );
      CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
      CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
      CREATE INDEX refresh_tokens_user_active ON refresh_tokens (user_id) WHERE revoked_at IS NULL;`,
    down: 'DROP TABLE refresh_tokens; DROP TABLE users;',
  },
  {
    id: '0002_profile_privacy',
    up: `
      ALTER TABLE users
        ADD COLUMN privacy jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN who_can_message text NOT NULL DEFAULT 'everyone'
          CHECK (who_can_message IN ('everyone', 'followers', 'connections', 'nobody')),
        ADD COLUMN residence_lat double precision CHECK (residence_lat BETWEEN -90 AND 90),
        ADD COLUMN residence_lon double precision CHECK (residence_lon BETWEEN -180 AND 180),
        ADD COLUMN email_verified_at timestamptz,
        ADD COLUMN phone_verified_at timestamptz,
        ADD COLUMN deleted_at timestamptz,
        ADD CONSTRAINT users_coordinates_pair CHECK ((residence_lat IS NULL) = (residence_lon IS NULL));
      -- One account per verified phone number.
      CREATE UNIQUE INDEX users_verified_phone_key ON users (phone) WHERE phone_verified;`,
    down: `
      DROP INDEX users_verified_phone_key;
      ALTER TABLE users DROP CONSTRAINT users_coordinates_pair, DROP COLUMN privacy, DROP COLUMN who_can_message,
        DROP COLUMN residence_lat, DROP COLUMN residence_lon, DROP COLUMN email_verified_at,
        DROP COLUMN phone_verified_at, DROP COLUMN deleted_at;`,
  },
  {
    id: '0003_social_graph',
    up: `
      CREATE TABLE follows (
        follower_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        followee_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (follower_id, followee_id),
        CHECK (follower_id <> followee_id)
      );
      CREATE INDEX follows_by_followee ON follows (followee_id, follower_id);

      CREATE TABLE connection_requests (
        id text PRIMARY KEY,
        from_user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        to_user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'canceled')),
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        CHECK (from_user_id <> to_user_id)
      );
      -- At most one pending request between two members, whoever sent it.
      CREATE UNIQUE INDEX connection_requests_one_pending
        ON connection_requests (LEAST(from_user_id, to_user_id), GREATEST(from_user_id, to_user_id))
        WHERE status = 'pending';
      CREATE INDEX connection_requests_incoming ON connection_requests (to_user_id, id) WHERE status = 'pending';
      CREATE INDEX connection_requests_outgoing ON connection_requests (from_user_id, id) WHERE status = 'pending';

      -- Both directions are stored, so each member's connections page with one index.
      CREATE TABLE connections (
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        other_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        request_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, other_id),
        CHECK (user_id <> other_id)
      );

      CREATE TABLE blocks (
        blocker_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        blocked_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (blocker_id, blocked_id),
        CHECK (blocker_id <> blocked_id)
      );
      CREATE INDEX blocks_by_blocked ON blocks (blocked_id, blocker_id);`,
    down: 'DROP TABLE blocks; DROP TABLE connections; DROP TABLE connection_requests; DROP TABLE follows;',
  },
  {
    id: '0004_governance_and_tier',
    up: `
      CREATE TABLE role_assignments (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('super', 'ambassador', 'consul')),
        country char(2),
        city text,
        appointed_by text NOT NULL,
        appointed_at timestamptz NOT NULL DEFAULT now(),
        revoked_by text,
        revoked_at timestamptz,
        CHECK (
          (role = 'super' AND country IS NULL AND city IS NULL)
          OR (role = 'ambassador' AND country IS NOT NULL AND city IS NULL)
          OR (role = 'consul' AND country IS NOT NULL AND city IS NOT NULL)
        )
      );
      CREATE UNIQUE INDEX role_assignments_one_active ON role_assignments (user_id, role) WHERE revoked_at IS NULL;
      CREATE INDEX role_assignments_scope ON role_assignments (role, country, lower(city)) WHERE revoked_at IS NULL;

      -- Who appointed or revoked whom, when, with which scope. Kept after erasure (ids only, no personal data).
      CREATE TABLE role_audit (
        id text PRIMARY KEY,
        action text NOT NULL CHECK (action IN ('appointed', 'revoked')),
        assignment_id text NOT NULL,
        user_id text NOT NULL,
        role text NOT NULL,
        country char(2),
        city text,
        actor_id text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX role_audit_user ON role_audit (user_id, at);

      -- Premium tier from payments.subscription.* events; the latest event per subscription wins.
      CREATE TABLE premium_subscriptions (
        subscription_id text PRIMARY KEY,
        user_id text NOT NULL,
        active boolean NOT NULL,
        event_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX premium_subscriptions_user ON premium_subscriptions (user_id) WHERE active;`,
    down: 'DROP TABLE premium_subscriptions; DROP TABLE role_audit; DROP TABLE role_assignments;',
  },
  {
    id: '0005_account_security',
    up: `
      CREATE TABLE verification_tokens (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('verify-email', 'reset-password')),
        token_hash bytea NOT NULL,
        email text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE UNIQUE INDEX verification_tokens_hash_key ON verification_tokens (token_hash);
      CREATE INDEX verification_tokens_user ON verification_tokens (user_id, purpose);

      CREATE TABLE phone_verifications (
        user_id text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        phone text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0
      );

      CREATE TABLE oauth_identities (
        provider text NOT NULL,
        subject text NOT NULL,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        email text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, subject)
      );
      CREATE INDEX oauth_identities_user ON oauth_identities (user_id);`,
    down: 'DROP TABLE oauth_identities; DROP TABLE phone_verifications; DROP TABLE verification_tokens;',
  },
  {
    id: '0006_data_exports',
    up: `
      CREATE TABLE export_jobs (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'ready', 'failed')),
        archive jsonb,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz
      );
      CREATE INDEX export_jobs_open ON export_jobs (created_at) WHERE status IN ('pending', 'running');
      CREATE INDEX export_jobs_user ON export_jobs (user_id, created_at DESC);`,
    down: 'DROP TABLE export_jobs;',
  },
  {
    id: '0007_contact_discovery_and_suspension',
    up: `
      CREATE EXTENSION IF NOT EXISTS pg_trgm;

      ALTER TABLE users
        ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC',
        ADD COLUMN arrived_at date,
        ADD COLUMN findable_by_email boolean NOT NULL DEFAULT true,
        ADD COLUMN findable_by_phone boolean NOT NULL DEFAULT false,
        ADD COLUMN email_sha256 text,
        ADD COLUMN phone_sha256 text,
        ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        ADD COLUMN suspension_reason text,
        ADD COLUMN suspended_until timestamptz,
        ADD COLUMN suspended_by text,
        ADD COLUMN suspended_at timestamptz,
        ADD CONSTRAINT users_suspension_fields CHECK (
          (status = 'suspended') = (suspension_reason IS NOT NULL AND suspended_by IS NOT NULL)
          AND (status = 'suspended' OR suspended_until IS NULL));

      -- Contact discovery compares SHA-256 hex digests of the trimmed lower-cased email and of the E.164 phone.
      -- A trigger keeps them in step with every write of email or phone, whichever code path makes it.
      CREATE FUNCTION users_contact_hashes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.email_sha256 := encode(sha256(convert_to(lower(btrim(NEW.email)), 'UTF8')), 'hex');
        NEW.phone_sha256 := CASE WHEN NEW.phone IS NULL THEN NULL
          ELSE encode(sha256(convert_to(NEW.phone, 'UTF8')), 'hex') END;
        RETURN NEW;
      END $$;
      CREATE TRIGGER users_contact_hashes BEFORE INSERT OR UPDATE OF email, phone ON users
        FOR EACH ROW EXECUTE FUNCTION users_contact_hashes();
      UPDATE users SET email = email;

      CREATE INDEX users_email_sha256 ON users (email_sha256) WHERE deleted_at IS NULL;
      CREATE INDEX users_phone_sha256 ON users (phone_sha256) WHERE deleted_at IS NULL AND phone_verified;
      -- Community member lists (new-event alerts), paged by id.
      CREATE INDEX users_active_by_country ON users (residence_country, id)
        WHERE deleted_at IS NULL AND status = 'active';
      CREATE INDEX users_active_by_city ON users (residence_country, lower(residence_city), id)
        WHERE deleted_at IS NULL AND status = 'active';
      -- Admin member search: word prefixes of the name (' ' || name LIKE '% word%'), email prefixes.
      CREATE INDEX users_name_trgm ON users USING gin ((' ' || lower(display_name)) gin_trgm_ops)
        WHERE deleted_at IS NULL;
      CREATE INDEX users_email_prefix ON users (email text_pattern_ops) WHERE deleted_at IS NULL;
      CREATE INDEX users_suspension_end ON users (suspended_until) WHERE status = 'suspended';

      CREATE INDEX role_audit_newest ON role_audit (user_id, id);`,
    down: `
      DROP INDEX role_audit_newest;
      DROP INDEX users_suspension_end, users_email_prefix, users_name_trgm, users_active_by_city,
        users_active_by_country, users_phone_sha256, users_email_sha256;
      DROP TRIGGER users_contact_hashes ON users;
      DROP FUNCTION users_contact_hashes();
      ALTER TABLE users DROP CONSTRAINT users_suspension_fields, DROP COLUMN time_zone, DROP COLUMN arrived_at,
        DROP COLUMN findable_by_email, DROP COLUMN findable_by_phone, DROP COLUMN email_sha256,
        DROP COLUMN phone_sha256, DROP COLUMN status, DROP COLUMN suspension_reason, DROP COLUMN suspended_until,
        DROP COLUMN suspended_by, DROP COLUMN suspended_at;`,
  },
  {
    id: '0008_member_name_search_index',
    // The word-start pattern (' ' || name LIKE '% word%') pads its first trigram, which is common to most names:
    // the planner then prices the index above a scan. Plain infix trigrams ('%word%') stay selective; the
    // word-start test is rechecked on the rows they find.
    up: `
      DROP INDEX users_name_trgm;
      CREATE INDEX users_name_trgm ON users USING gin (lower(display_name) gin_trgm_ops) WHERE deleted_at IS NULL;`,
    down: `
      DROP INDEX users_name_trgm;
      CREATE INDEX users_name_trgm ON users USING gin ((' ' || lower(display_name)) gin_trgm_ops)
        WHERE deleted_at IS NULL;`,
  },
  {
    id: '0009_password_reset_requests',
    // Forgot-password requests are queued and answered in the background, so the request does the same work for
    // an existing and an unknown email (no timing oracle).
    up: `
      CREATE TABLE password_reset_requests (
        id text PRIMARY KEY,
        email text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX password_reset_requests_oldest ON password_reset_requests (requested_at);`,
    down: 'DROP TABLE password_reset_requests;',
  },
];
