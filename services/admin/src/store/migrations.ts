import type { Migration } from '@diaspora/service-kit';

/** This service's tables, in order; never edit one that has shipped, add the next (CONTRIBUTING.md). */
export const migrations: Migration[] = [
  {
    id: '001_admin',
    up: `
      -- Read model of members fed by users.* events: scope of cases and analytics, never the user service's tables.
      CREATE TABLE members (
        user_id text PRIMARY KEY,
        display_name text NOT NULL DEFAULT '',
        origin_country text NOT NULL DEFAULT '',
        residence_country text NOT NULL DEFAULT '',
        residence_city text NOT NULL DEFAULT '',
        registered_at timestamptz,
        status text NOT NULL DEFAULT 'active',
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- One log of every admin decision and role change; country/city say whose scope an entry belongs to.
      CREATE TABLE audit_entries (
        id text PRIMARY KEY,
        at timestamptz NOT NULL,
        actor_id text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text NOT NULL,
        reason text,
        details jsonb NOT NULL DEFAULT '{}',
        country text,
        city text,
        source text NOT NULL DEFAULT 'admin',
        source_key text UNIQUE
      );
      CREATE INDEX audit_entries_at ON audit_entries (at DESC, id DESC);
      CREATE INDEX audit_entries_actor ON audit_entries (actor_id);
      CREATE INDEX audit_entries_target ON audit_entries (target_id);

      -- The moderation queue: one open case per reported target; decided cases stay for appeals and the audit.
      CREATE TABLE report_cases (
        id text PRIMARY KEY,
        target_type text NOT NULL,
        target_id text NOT NULL,
        author_id text,
        status text NOT NULL DEFAULT 'open',
        report_count integer NOT NULL DEFAULT 0,
        score double precision NOT NULL DEFAULT 0,
        labels text[] NOT NULL DEFAULT '{}',
        flag_source text,
        country text,
        origin_country text,
        city text,
        evidence jsonb,
        opened_at timestamptz NOT NULL,
        last_signal_at timestamptz NOT NULL,
        priority double precision NOT NULL DEFAULT 0,
        resolution jsonb,
        resolved_at timestamptz,
        appeal jsonb
      );
      CREATE UNIQUE INDEX report_cases_open_target ON report_cases (target_type, target_id) WHERE status = 'open';
      CREATE INDEX report_cases_rank ON report_cases (status, priority DESC, opened_at, id);
      CREATE INDEX report_cases_author ON report_cases (author_id);

      CREATE TABLE case_reports (
        id text PRIMARY KEY,
        case_id text NOT NULL REFERENCES report_cases (id) ON DELETE CASCADE,
        reporter_id text NOT NULL,
        reason text NOT NULL,
        at timestamptz NOT NULL
      );
      CREATE INDEX case_reports_case ON case_reports (case_id);
      CREATE INDEX case_reports_reporter ON case_reports (reporter_id);

      -- Analytics read models: counters per day and community, and who was active which day.
      CREATE TABLE daily_metrics (
        day date NOT NULL,
        metric text NOT NULL,
        country text NOT NULL DEFAULT '',
        city text NOT NULL DEFAULT '',
        currency text NOT NULL DEFAULT '',
        value bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (day, metric, country, city, currency)
      );
      CREATE TABLE active_days (
        day date NOT NULL,
        user_id text NOT NULL,
        country text NOT NULL DEFAULT '',
        city text NOT NULL DEFAULT '',
        PRIMARY KEY (day, user_id)
      );

      CREATE TABLE platform_settings (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        value jsonb NOT NULL,
        version integer NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL
      );
    `,
    down: `
      DROP TABLE platform_settings; DROP TABLE active_days; DROP TABLE daily_metrics; DROP TABLE case_reports;
      DROP TABLE report_cases; DROP TABLE audit_entries; DROP TABLE members;
    `,
  },
];
