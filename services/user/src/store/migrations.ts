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
];
