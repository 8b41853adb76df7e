import type { Migration } from '@diaspora/service-kit';

/** This service's tables, in order; never edit one that has shipped, add the next (CONTRIBUTING.md). */
export const migrations: Migration[] = [
  {
    id: '0001_search_documents',
    up: `
      CREATE EXTENSION IF NOT EXISTS unaccent;
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
      CREATE EXTENSION IF NOT EXISTS cube;
      CREATE EXTENSION IF NOT EXISTS earthdistance;

      -- Every change applied gets the next revision: the external version of the OpenSearch/Elasticsearch copy.
      CREATE SEQUENCE search_revisions;

      -- The documents, as built from other services' events; deleted ones stay as tombstones (no content) so
      -- that an older event arriving late never brings them back.
      CREATE TABLE search_documents (
        id text PRIMARY KEY,
        type text NOT NULL CHECK (type IN ('users', 'events', 'posts')),
        owner_id text NOT NULL,
        version_at timestamptz NOT NULL,
        moderation_at timestamptz,
        revision bigint NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        hidden boolean NOT NULL DEFAULT false,
        title text NOT NULL DEFAULT '',
        title_key text NOT NULL DEFAULT '',
        country text,
        city text,
        city_key text,
        domains text[] NOT NULL DEFAULT '{}',
        tags text[] NOT NULL DEFAULT '{}',
        at timestamptz,
        lat double precision,
        lon double precision,
        popularity integer NOT NULL DEFAULT 0,
        audience text NOT NULL DEFAULT 'public' CHECK (audience IN ('public', 'country', 'city')),
        audience_country text,
        audience_city_key text,
        search tsvector NOT NULL DEFAULT ''::tsvector,
        document jsonb
      );
      CREATE INDEX search_documents_text ON search_documents USING gin (search) WHERE NOT deleted AND NOT hidden;
      CREATE INDEX search_documents_title ON search_documents USING gin (title_key gin_trgm_ops)
        WHERE NOT deleted AND NOT hidden AND type IN ('users', 'events');
      CREATE INDEX search_documents_geo ON search_documents USING gist (ll_to_earth(lat, lon))
        WHERE lat IS NOT NULL AND NOT deleted AND NOT hidden;
      CREATE INDEX search_documents_filters ON search_documents (type, country, city_key) WHERE NOT deleted AND NOT hidden;
      CREATE INDEX search_documents_at ON search_documents (type, at) WHERE NOT deleted AND NOT hidden;
      CREATE INDEX search_documents_tags ON search_documents USING gin (tags) WHERE NOT deleted AND NOT hidden;
      CREATE INDEX search_documents_owner ON search_documents (owner_id);

      -- Words seen in documents (4+ letters), for typo tolerance: a query word of 5+ letters also matches the
      -- indexed words one edit away from it.
      CREATE TABLE search_terms (term text PRIMARY KEY);
      CREATE INDEX search_terms_trigrams ON search_terms USING gin (term gin_trgm_ops);

      -- What a member's own searches need of them (relevance, audiences): never shown to anyone.
      CREATE TABLE search_viewers (
        user_id text PRIMARY KEY,
        origin_country text,
        residence_country text,
        residence_city text,
        version_at timestamptz NOT NULL
      );

      CREATE TABLE search_blocks (
        blocker_id text NOT NULL,
        blocked_id text NOT NULL,
        active boolean NOT NULL,
        version_at timestamptz NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
      );
      CREATE INDEX search_blocks_blocked ON search_blocks (blocked_id) WHERE active;
    `,
    down: `
      DROP TABLE search_blocks;
      DROP TABLE search_viewers;
      DROP TABLE search_terms;
      DROP TABLE search_documents;
      DROP SEQUENCE search_revisions;
    `,
  },
  {
    id: '0002_search_reindex',
    up: `
      -- A reindex in progress (one per alias): where its copy stands, so an interrupted run resumes there.
      CREATE TABLE search_reindex (
        alias text PRIMARY KEY,
        source_index text NOT NULL,
        target_index text NOT NULL,
        after_id text NOT NULL DEFAULT '',
        from_revision bigint NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now()
      );
    `,
    down: 'DROP TABLE search_reindex;',
  },
];
