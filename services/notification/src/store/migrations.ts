import type { Migration } from '@diaspora/service-kit';
import { jobSchemaMigration } from '@diaspora/service-kit/jobs';
import { JOB_SCHEMA, QUEUES } from '../jobs/queues.js';

/** This service's tables, in order; never edit one that has shipped, add the next. */
export const migrations: Migration[] = [
  {
    id: '0001_notifications',
    up: `
      CREATE TABLE notifications (
        id text PRIMARY KEY,
        recipient_id text NOT NULL,
        type text NOT NULL,
        dedup_key text NOT NULL,
        group_key text,
        title text NOT NULL,
        body text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        in_app boolean NOT NULL DEFAULT true,
        read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX notifications_dedup ON notifications (recipient_id, dedup_key);
      -- One unread batch per group (likes of a post): the next like updates it instead of adding a row.
      CREATE UNIQUE INDEX notifications_unread_group ON notifications (recipient_id, group_key)
        WHERE read_at IS NULL AND group_key IS NOT NULL;
      CREATE INDEX notifications_inbox ON notifications (recipient_id, created_at DESC, id DESC) WHERE in_app;
      CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE in_app AND read_at IS NULL;

      CREATE TABLE deliveries (
        id text PRIMARY KEY,
        notification_id text NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
        recipient_id text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('push', 'email')),
        status text NOT NULL CHECK (status IN ('queued', 'digest', 'sent', 'failed', 'dead', 'skipped')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        not_before timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX deliveries_notification ON deliveries (notification_id);
      CREATE INDEX deliveries_digest ON deliveries (recipient_id) WHERE status = 'digest';

      CREATE TABLE preferences (
        user_id text PRIMARY KEY,
        channels jsonb NOT NULL DEFAULT '{}',
        quiet_start text,
        quiet_end text,
        digest text NOT NULL DEFAULT 'off' CHECK (digest IN ('off', 'hourly', 'daily')),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE devices (
        token text PRIMARY KEY,
        user_id text NOT NULL,
        platform text NOT NULL CHECK (platform IN ('android', 'ios', 'web')),
        created_at timestamptz NOT NULL DEFAULT now(),
        seen_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX devices_user ON devices (user_id);

      CREATE TABLE members (
        user_id text PRIMARY KEY,
        joined_at timestamptz NOT NULL,
        arrived_at date,
        time_zone text NOT NULL DEFAULT 'UTC',
        languages text[] NOT NULL DEFAULT '{}',
        country text,
        city text
      );

      CREATE TABLE consuls (
        country text NOT NULL,
        city text NOT NULL,
        user_id text NOT NULL,
        PRIMARY KEY (country, city)
      );
    `,
    down: `DROP TABLE consuls, members, devices, preferences, deliveries, notifications;`,
  },
  jobSchemaMigration('0002_jobs', JOB_SCHEMA, {
    [QUEUES.delivery]: { retryLimit: 9, retryDelaySeconds: 20 },
    [QUEUES.digest]: { retryLimit: 3, retryDelaySeconds: 60 },
    [QUEUES.anniversaries]: { retryLimit: 3, retryDelaySeconds: 60 },
    [QUEUES.consulQuota]: { retryLimit: 3, retryDelaySeconds: 300 },
  }),
];
