import type { Queryable } from '@diaspora/service-kit';
import type { SearchDocument } from '../domain/documents.js';
import type { Applied, DocumentStore } from '../domain/ports.js';
import { type DocType, fold } from '../domain/query.js';

/** The text search configuration of a document's language: stemmed in English and French, plain words otherwise. */
function textConfig(language: string | undefined): 'english' | 'french' | 'simple' {
  const base = language?.toLowerCase().split('-')[0];
  return base === 'en' ? 'english' : base === 'fr' ? 'french' : 'simple';
}

// Title and tags weigh A, the body B; each is indexed both as plain words (names, any language) and stemmed.
const SEARCH_VECTOR = `
  setweight(to_tsvector('simple', unaccent($T)), 'A') || setweight(to_tsvector($C::regconfig, unaccent($T)), 'A') ||
  setweight(to_tsvector('simple', unaccent($G)), 'A') ||
  setweight(to_tsvector('simple', unaccent($B)), 'B') || setweight(to_tsvector($C::regconfig, unaccent($B)), 'B')`;

const RETURNING = 'RETURNING revision, (NOT deleted AND NOT hidden) AS visible, document';

type AppliedRow = {
  revision: string;
  visible: boolean;
  document: SearchDocument | null;
};

const applied = (row: AppliedRow | undefined): Applied | null =>
  row ? { revision: Number(row.revision), visible: row.visible ? row.document : null } : null;

export class PgDocumentStore implements DocumentStore {
  constructor(private readonly q: Queryable) {}

  async apply(
    id: string,
    type: DocType,
    ownerId: string,
    document: SearchDocument | null,
    version: Date,
  ): Promise<Applied | null> {
    if (!document) {
      const { rows } = await this.q.query<AppliedRow>(
        `INSERT INTO search_documents (id, type, owner_id, version_at, revision, deleted)
         VALUES ($1, $2, $3, $4, nextval('search_revisions'), true)
         ON CONFLICT (id) DO UPDATE SET version_at = EXCLUDED.version_at, revision = EXCLUDED.revision,
           deleted = true, document = NULL, title = '', title_key = '', search = ''::tsvector, country = NULL,
           city = NULL, city_key = NULL, domains = '{}', tags = '{}', lat = NULL, lon = NULL
         WHERE search_documents.version_at <= EXCLUDED.version_at
         ${RETURNING}`,
        [id, type, ownerId, version],
      );
      return applied(rows[0]);
    }
    const audience = document.audience;
    const values = [
      id,
      type,
      ownerId,
      version,
      document.title,
      fold(document.title),
      document.country ?? null,
      document.city ?? null,
      document.city ? fold(document.city) : null,
      document.domains,
      document.tags,
      document.at,
      document.location?.lat ?? null,
      document.location?.lon ?? null,
      document.popularity,
      audience.kind,
      audience.kind === 'public' ? null : audience.country,
      audience.kind === 'city' ? fold(audience.city) : null,
      JSON.stringify(document),
      document.body,
      document.tags.join(' '),
      textConfig(document.language),
    ];
    const vector = SEARCH_VECTOR.replaceAll('$T', '$5')
      .replaceAll('$B', '$20')
      .replaceAll('$G', '$21')
      .replaceAll('$C', '$22');
    const { rows } = await this.q.query<AppliedRow>(
      `INSERT INTO search_documents (id, type, owner_id, version_at, revision, deleted, title, title_key, country,
         city, city_key, domains, tags, at, lat, lon, popularity, audience, audience_country, audience_city_key,
         document, search)
       VALUES ($1, $2, $3, $4, nextval('search_revisions'), false, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
         $16, $17, $18, $19, ${vector})
       ON CONFLICT (id) DO UPDATE SET version_at = EXCLUDED.version_at, revision = EXCLUDED.revision, deleted = false,
         owner_id = EXCLUDED.owner_id, title = EXCLUDED.title, title_key = EXCLUDED.title_key,
         country = EXCLUDED.country, city = EXCLUDED.city, city_key = EXCLUDED.city_key, domains = EXCLUDED.domains,
         tags = EXCLUDED.tags, at = EXCLUDED.at, lat = EXCLUDED.lat, lon = EXCLUDED.lon,
         popularity = EXCLUDED.popularity, audience = EXCLUDED.audience, audience_country = EXCLUDED.audience_country,
         audience_city_key = EXCLUDED.audience_city_key, document = EXCLUDED.document, search = EXCLUDED.search
       WHERE search_documents.version_at <= EXCLUDED.version_at
       ${RETURNING}`,
      values,
    );
    if (rows[0]) {
      // The vocabulary typo tolerance draws on; words of 4+ letters (a 5-letter word one edit from a 4-letter one).
      await this.q.query(
        `INSERT INTO search_terms (term)
         SELECT DISTINCT word FROM unnest(tsvector_to_array(to_tsvector('simple', unaccent($1)))) AS word
         WHERE length(word) >= 4
         ON CONFLICT DO NOTHING`,
        [`${document.title} ${document.body} ${document.city ?? ''}`],
      );
    }
    return applied(rows[0]);
  }

  async moderate(id: string, ownerId: string, hidden: boolean, at: Date): Promise<Applied | null> {
    // A decision about a post not seen yet leaves a tombstone that remembers it for when the post arrives.
    const before = await this.q.query<{ hidden: boolean }>(
      'SELECT hidden FROM search_documents WHERE id = $1 FOR UPDATE',
      [id],
    );
    const { rows } = await this.q.query<AppliedRow>(
      `INSERT INTO search_documents (id, type, owner_id, version_at, moderation_at, revision, deleted, hidden)
       VALUES ($1, 'posts', $2, '-infinity', $4, nextval('search_revisions'), true, $3)
       ON CONFLICT (id) DO UPDATE SET hidden = EXCLUDED.hidden, moderation_at = EXCLUDED.moderation_at,
         revision = EXCLUDED.revision
       WHERE search_documents.moderation_at IS NULL OR search_documents.moderation_at <= EXCLUDED.moderation_at
       ${RETURNING}`,
      [id, ownerId, hidden, at],
    );
    const outcome = applied(rows[0]);
    return outcome && before.rows[0]?.hidden === hidden ? { ...outcome, unchanged: true } : outcome;
  }

  async eraseOwner(ownerId: string, at: Date): Promise<Array<{ id: string; revision: number }>> {
    const { rows } = await this.q.query<{ id: string; revision: string }>(
      `UPDATE search_documents SET deleted = true, document = NULL, title = '', title_key = '',
         search = ''::tsvector, country = NULL, city = NULL, city_key = NULL, domains = '{}', tags = '{}',
         lat = NULL, lon = NULL, version_at = greatest(version_at, $2), revision = nextval('search_revisions')
       WHERE owner_id = $1 AND NOT deleted
       RETURNING id, revision`,
      [ownerId, at],
    );
    return rows.map((row) => ({ id: row.id, revision: Number(row.revision) }));
  }

  async visibleAfter(afterId: string, limit: number) {
    const { rows } = await this.q.query<{ document: SearchDocument; revision: string }>(
      `SELECT document, revision FROM search_documents
       WHERE id > $1 AND NOT deleted AND NOT hidden ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((row) => ({ document: row.document, revision: Number(row.revision) }));
  }
}
