import { idempotencyMigrations, type Migration } from '@diaspora/service-kit';
import { jobSchemaMigration } from '@diaspora/service-kit/jobs';
import { JOB_QUEUES, JOB_SCHEMA } from '../jobs/queues.js';

/**
 * This service's tables, in order; never edit one that has shipped, add the next (CONTRIBUTING.md).
 * With INTEGRATION_STORE=mongodb the integration tables stay empty (the data lives in MongoDB); the outbox,
 * idempotency keys and the job queue are always here.
 */
export const migrations: Migration[] = [
  ...idempotencyMigrations,
  {
    id: '001_integration_data',
    up: `
      CREATE TABLE webhook_subscriptions (
        id text PRIMARY KEY,
        url text NOT NULL,
        events text[] NOT NULL,
        secret jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'disabled')),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        consecutive_failures integer NOT NULL DEFAULT 0,
        last_success_at timestamptz,
        disabled_at timestamptz
      );
      CREATE TABLE webhook_deliveries (
        id text PRIMARY KEY,
        subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        event_id text NOT NULL,
        subject text NOT NULL,
        payload text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled')),
        attempts jsonb NOT NULL DEFAULT '[]',
        run_attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (subscription_id, event_id)
      );
      CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, created_at DESC, id DESC);
      CREATE INDEX webhook_deliveries_age ON webhook_deliveries (created_at);
      CREATE TABLE calendar_connections (
        user_id text NOT NULL,
        provider text NOT NULL CHECK (provider IN ('google', 'apple')),
        status text NOT NULL CHECK (status IN ('active', 'broken')),
        credentials jsonb NOT NULL,
        calendar_ref text NOT NULL,
        account text NOT NULL,
        sync_token text,
        broken_reason text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, provider)
      );
      CREATE TABLE calendar_items (
        user_id text NOT NULL,
        provider text NOT NULL,
        event_id text NOT NULL,
        remote_ref text NOT NULL,
        etag text,
        synced_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, provider, event_id)
      );
      CREATE INDEX calendar_items_event ON calendar_items (event_id);
      CREATE INDEX calendar_items_remote ON calendar_items (user_id, provider, remote_ref);
    `,
    down: `
      DROP TABLE calendar_items;
      DROP TABLE calendar_connections;
      DROP TABLE webhook_deliveries;
      DROP TABLE webhook_subscriptions;
    `,
  },
  jobSchemaMigration('002_job_queue', JOB_SCHEMA, JOB_QUEUES),
  {
    // The inbound API's organizations and keys stay in PostgreSQL in both store modes (see organizations.ts).
    id: '003_inbound_api',
    up: `
      CREATE TABLE inbound_organizations (
        id text PRIMARY KEY,
        name text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE TABLE inbound_api_keys (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES inbound_organizations (id) ON DELETE CASCADE,
        name text NOT NULL,
        hash text NOT NULL UNIQUE,
        prefix text NOT NULL,
        scopes text[] NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz,
        last_used_at timestamptz
      );
      CREATE INDEX inbound_api_keys_organization ON inbound_api_keys (organization_id, created_at);
    `,
    down: `
      DROP TABLE inbound_api_keys;
      DROP TABLE inbound_organizations;
    `,
  },
];
