import { idempotencyMigrations, type Migration } from '@diaspora/service-kit';
import { jobSchemaMigration } from '@diaspora/service-kit/jobs';
import { JOB_SCHEMA, QUEUES } from '../jobs/queues.js';

/** The daily housekeeping queue of 0002, retired: the kit's chore purges idempotency keys now. */
const HOUSEKEEPING_QUEUE = 'event-housekeeping';

export const migrations: Migration[] = [
  ...idempotencyMigrations,
  {
    id: '0001_events',
    up: `
      CREATE EXTENSION IF NOT EXISTS cube;
      CREATE EXTENSION IF NOT EXISTS earthdistance;

      CREATE TABLE event_series (
        id text PRIMARY KEY,
        organizer_id text NOT NULL,
        rrule text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE events (
        id text PRIMARY KEY,
        series_id text REFERENCES event_series (id),
        occurrence_index integer,
        parent_event_id text REFERENCES events (id),
        organizer_id text NOT NULL,
        type text NOT NULL CHECK (type IN ('free', 'premium', 'national', 'local')),
        status text NOT NULL CHECK (status IN ('draft', 'published', 'canceled')),
        title text NOT NULL,
        description text NOT NULL,
        translations jsonb NOT NULL DEFAULT '{}',
        domain text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        timezone text NOT NULL,
        venue_name text,
        venue_address text,
        city text,
        city_key text GENERATED ALWAYS AS (lower(city)) STORED,
        country char(2),
        lat double precision CHECK (lat BETWEEN -90 AND 90),
        lon double precision CHECK (lon BETWEEN -180 AND 180),
        online_url text,
        capacity integer NOT NULL CHECK (capacity > 0),
        -- Seats taken (confirmed + pending payment). The CHECK is the last line of defence against overbooking.
        registered_count integer NOT NULL DEFAULT 0 CHECK (registered_count >= 0 AND registered_count <= capacity),
        waitlist_count integer NOT NULL DEFAULT 0 CHECK (waitlist_count >= 0),
        languages text[] NOT NULL,
        price_cents integer CHECK (price_cents > 0),
        currency char(3),
        cover_image_url text,
        cancel_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        canceled_at timestamptz,
        CHECK (ends_at > starts_at),
        CHECK ((venue_name IS NOT NULL) OR (online_url IS NOT NULL)),
        CHECK ((type = 'premium') = (price_cents IS NOT NULL))
      );
      CREATE INDEX events_listing ON events (starts_at, id) WHERE status = 'published';
      CREATE INDEX events_place ON events (country, city_key, starts_at) WHERE status = 'published';
      CREATE INDEX events_national ON events (country, starts_at) WHERE status = 'published' AND type = 'national';
      CREATE INDEX events_geo ON events USING gist (ll_to_earth(lat, lon))
        WHERE status = 'published' AND lat IS NOT NULL AND lon IS NOT NULL;
      CREATE INDEX events_languages ON events USING gin (languages);
      CREATE INDEX events_organizer ON events (organizer_id, starts_at);
      CREATE INDEX events_series ON events (series_id, starts_at) WHERE series_id IS NOT NULL;
      CREATE INDEX events_parent ON events (parent_event_id) WHERE parent_event_id IS NOT NULL;
      CREATE INDEX events_popular ON events (registered_count DESC, starts_at, id) WHERE status = 'published';

      CREATE SEQUENCE registration_waitlist_seq;
      CREATE TABLE registrations (
        id text PRIMARY KEY,
        event_id text NOT NULL REFERENCES events (id),
        user_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('confirmed', 'pending_payment', 'waitlisted', 'canceled')),
        -- FIFO order of the waitlist: taken from the sequence when the registration joins the waitlist.
        waitlist_seq bigint,
        hold_expires_at timestamptz,
        payment_id text,
        check_in_code text UNIQUE,
        checked_in_at timestamptz,
        checked_in_by text,
        cancel_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        canceled_at timestamptz,
        CHECK ((status = 'waitlisted') = (waitlist_seq IS NOT NULL)),
        CHECK ((status = 'pending_payment') = (hold_expires_at IS NOT NULL))
      );
      CREATE UNIQUE INDEX registrations_active ON registrations (event_id, user_id) WHERE status <> 'canceled';
      CREATE INDEX registrations_waitlist ON registrations (event_id, waitlist_seq) WHERE status = 'waitlisted';
      CREATE INDEX registrations_event ON registrations (event_id, created_at);
      CREATE INDEX registrations_user ON registrations (user_id, created_at);

      -- payments.ticket.paid as received: a ticket paid before (or without) a live registration is kept here and
      -- honoured when the member registers.
      CREATE TABLE ticket_payments (
        payment_id text PRIMARY KEY,
        event_id text NOT NULL,
        user_id text NOT NULL,
        amount_cents integer NOT NULL,
        currency char(3) NOT NULL,
        paid_at timestamptz NOT NULL,
        registration_id text REFERENCES registrations (id)
      );
      CREATE INDEX ticket_payments_unused ON ticket_payments (event_id, user_id) WHERE registration_id IS NULL;

      CREATE TABLE ratings (
        id text PRIMARY KEY,
        event_id text NOT NULL REFERENCES events (id),
        -- NULL once the member's account is erased: the scores still count for the organizer.
        user_id text,
        organizer_id text NOT NULL,
        event_quality smallint NOT NULL CHECK (event_quality BETWEEN 1 AND 5),
        participant_quality smallint NOT NULL CHECK (participant_quality BETWEEN 1 AND 5),
        exchange_quality smallint NOT NULL CHECK (exchange_quality BETWEEN 1 AND 5),
        venue_quality smallint NOT NULL CHECK (venue_quality BETWEEN 1 AND 5),
        organizer_performance smallint NOT NULL CHECK (organizer_performance BETWEEN 1 AND 5),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX ratings_once ON ratings (event_id, user_id);
      CREATE INDEX ratings_organizer ON ratings (organizer_id, created_at);

      CREATE TABLE calendar_feeds (
        user_id text PRIMARY KEY,
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      -- Read model of users.role.appointed|revoked: who is consul/ambassador where (scorecards by country).
      CREATE TABLE organizer_roles (
        user_id text NOT NULL,
        role text NOT NULL CHECK (role IN ('ambassador', 'consul')),
        country char(2) NOT NULL,
        city text,
        appointed_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, role)
      );
      CREATE INDEX organizer_roles_country ON organizer_roles (role, country);

      -- Reminders already announced: a job that runs twice (retry after a crash) does not remind twice.
      CREATE TABLE sent_reminders (
        reminder_id text PRIMARY KEY,
        sent_at timestamptz NOT NULL DEFAULT now()
      );`,
    down: `
      DROP TABLE sent_reminders; DROP TABLE organizer_roles; DROP TABLE calendar_feeds; DROP TABLE ratings; DROP TABLE ticket_payments;
      DROP TABLE registrations; DROP SEQUENCE registration_waitlist_seq; DROP TABLE events; DROP TABLE event_series;`,
  },
  // pg-boss lives in its own schema of this service's database; its jobs are written in our transactions.
  jobSchemaMigration('0002_job_queue', JOB_SCHEMA, {
    [QUEUES.reminder]: { retryLimit: 10 },
    [QUEUES.holdExpiry]: { retryLimit: 10 },
    [HOUSEKEEPING_QUEUE]: { retryLimit: 2 },
  }),
  {
    // Deleting the queue also deletes its cron schedule and any job still waiting in it.
    id: '0003_retire_housekeeping_queue',
    up: `SELECT ${JOB_SCHEMA}.delete_queue('${HOUSEKEEPING_QUEUE}');`,
    down: `SELECT ${JOB_SCHEMA}.create_queue('${HOUSEKEEPING_QUEUE}', '{"policy":"standard","retryLimit":2,"retryDelay":30,"retryBackoff":true}'::json);`,
  },
  {
    // Platform settings set in the admin dashboard and applied here (admin.settings.updated).
    id: '0004_platform_settings',
    up: 'CREATE TABLE platform_settings (name text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamptz NOT NULL);',
    down: 'DROP TABLE platform_settings;',
  },
  {
    // Listing indexes ending in (starts_at, id), the listings' order, so each /upcoming branch (audience-query.ts)
    // and a place-filtered page is a LIMITed index scan; /popular per place reads its order from an index too.
    // They supersede events_place and events_national (same leading columns). The INCLUDEd columns let a branch
    // skip events that started but have not ended (and the other branches' rows) without reading the table.
    id: '0005_listing_indexes',
    up: `
      CREATE INDEX events_city_listing ON events (country, city_key, starts_at, id) INCLUDE (ends_at)
        WHERE status = 'published';
      CREATE INDEX events_country_listing ON events (country, starts_at, id) INCLUDE (ends_at, type, city_key)
        WHERE status = 'published';
      CREATE INDEX events_national_listing ON events (country, starts_at, id) INCLUDE (ends_at, city_key)
        WHERE status = 'published' AND type = 'national';
      CREATE INDEX events_domain_listing ON events (domain, starts_at, id) WHERE status = 'published';
      CREATE INDEX events_popular_country ON events (country, registered_count DESC, starts_at, id)
        WHERE status = 'published';
      CREATE INDEX events_popular_city ON events (country, city_key, registered_count DESC, starts_at, id)
        WHERE status = 'published';
      DROP INDEX events_place;
      DROP INDEX events_national;`,
    down: `
      CREATE INDEX events_place ON events (country, city_key, starts_at) WHERE status = 'published';
      CREATE INDEX events_national ON events (country, starts_at) WHERE status = 'published' AND type = 'national';
      DROP INDEX events_city_listing; DROP INDEX events_country_listing; DROP INDEX events_national_listing;
      DROP INDEX events_domain_listing; DROP INDEX events_popular_country; DROP INDEX events_popular_city;`,
  },
  {
    // The geo listing filters by domain inside a radius: one GiST over (domain, position) finds just that
    // domain's events in the box (btree_gist lets a GiST hold the text column), so the sort by start time that
    // follows handles tens of rows instead of every event of every domain around the point.
    id: '0006_geo_domain_index',
    up: `
      CREATE EXTENSION IF NOT EXISTS btree_gist;
      CREATE INDEX events_geo_domain ON events USING gist (domain, ll_to_earth(lat, lon))
        WHERE status = 'published' AND lat IS NOT NULL AND lon IS NOT NULL;`,
    down: 'DROP INDEX events_geo_domain;',
  },
];
