import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Cache, CursorCodec, Database, MemoryCache, openCache } from '@diaspora/service-kit';
import { freePort, ROOT, registerMember, startPlatform } from '../lib/processes.js';
import { type Benchmark, progress, report } from '../lib/report.js';

const DOCUMENTS = Number(process.env.BENCH_SEARCH_DOCUMENTS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_SEARCH_QUERIES ?? 300);
const CACHE_HITS = Number(process.env.BENCH_SEARCH_CACHE_HITS ?? 20_000);
const BATCH = 25_000;

/** A made-up vocabulary (consonant-vowel syllables): 4,000 words, so each appears in ~0.1% of documents. */
const VOCABULARY = (() => {
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  const words: string[] = [];
  for (let i = 0; words.length < 4_000; i++) {
    let word = '';
    for (let s = 0, n = i * 7_919 + 13; s < 3; s++, n = Math.floor(n / 70))
      word += consonants[n % consonants.length]! + vowels[Math.floor(n / consonants.length) % vowels.length]!;
    if (!words.includes(word)) words.push(word);
  }
  return words;
})();
const CITIES: Array<[string, string, number, number]> = [
  ['FR', 'Paris', 48.8566, 2.3522],
  ['FR', 'Lyon', 45.764, 4.8357],
  ['BE', 'Brussels', 50.8503, 4.3517],
  ['DE', 'Berlin', 52.52, 13.405],
  ['GB', 'London', 51.5074, -0.1278],
  ['US', 'New York', 40.7128, -74.006],
  ['CA', 'Toronto', 43.6532, -79.3832],
  ['SN', 'Dakar', 14.7167, -17.4677],
  ['CI', 'Abidjan', 5.36, -4.0083],
  ['CM', 'Douala', 4.0511, 9.7679],
];
const ORIGINS = ['SN', 'CM', 'CI', 'ML', 'GH', 'NG', 'KE', 'MA', 'HT', 'CD'];
const DOMAINS = ['ict', 'commerce', 'health', 'education', 'associations', 'art_crafts', 'tourism', 'agriculture'];

const text = (array: string[]) => `ARRAY[${array.map((value) => `'${value}'`).join(',')}]::text[]`;
const pick = (array: string, n: string, size: number) => `(${array})[1 + (${n}) % ${size}]`;
const word = (n: string) => pick('$3::text[]', n, VOCABULARY.length);

/**
 * Documents as the indexer writes them (same tsvector recipe as store/documents-repository.ts): 50% posts, 30%
 * members, 20% events with venues (jittered ±0.5° around ten cities), spread over a year around now.
 */
const SEED_SQL = `
  WITH rows AS (
    SELECT n, CASE WHEN n % 10 < 5 THEN 'posts' WHEN n % 10 < 8 THEN 'users' ELSE 'events' END AS type,
      ${word('n * 31')} || ' ' || ${word('n * 17 + 5')} || ' ' || ${word('n * 7 + 11')} AS title,
      ${word('n * 13 + 1')} || ' ' || ${word('n * 19 + 2')} || ' ' || ${word('n * 23 + 3')} || ' ' ||
        ${word('n * 29 + 4')} || ' ' || ${word('n * 37 + 6')} AS body,
      n % ${CITIES.length} AS c
    FROM generate_series($1::int, $2::int) AS n
  ), shaped AS (
    SELECT n, type, title, CASE WHEN type = 'users' THEN '' ELSE body END AS body,
      CASE WHEN type = 'events' THEN ${pick(text(CITIES.map(([country]) => country)), 'c', CITIES.length)}
           ELSE ${pick(text(ORIGINS), 'n / 10', ORIGINS.length)} END AS country,
      ${pick(text(CITIES.map(([, city]) => city)), 'c', CITIES.length)} AS city,
      ${pick(text(DOMAINS), 'n / 7', DOMAINS.length)} AS domain,
      now() + make_interval(hours => (n % 17520) - 8760) AS at,
      CASE WHEN type = 'events' THEN ${pick(`ARRAY[${CITIES.map((c) => c[2]).join(',')}]::float8[]`, 'c', CITIES.length)} + ((n % 1000) / 1000.0 - 0.5) END AS lat,
      CASE WHEN type = 'events' THEN ${pick(`ARRAY[${CITIES.map((c) => c[3]).join(',')}]::float8[]`, 'c', CITIES.length)} + ((n % 997) / 997.0 - 0.5) END AS lon
    FROM rows
  )
  INSERT INTO search_documents (id, type, owner_id, version_at, revision, title, title_key, country, city, city_key,
    domains, tags, at, lat, lon, popularity, audience, document, search)
  SELECT 'bch_' || lpad(n::text, 26, '0'), type, 'usr_' || lpad((n / 3)::text, 26, '0'), now(), n, title, title,
    country, city, lower(city), ARRAY[domain], CASE WHEN type = 'posts' THEN ARRAY[${word('n * 41')}] ELSE '{}' END,
    at, lat, lon, (n % 200), 'public',
    jsonb_build_object('view', jsonb_build_object('title', title, 'city', city, 'country', country)),
    setweight(to_tsvector('simple', unaccent(title)), 'A') || setweight(to_tsvector('english', unaccent(title)), 'A') ||
    setweight(to_tsvector('simple', unaccent(body)), 'B') || setweight(to_tsvector('english', unaccent(body)), 'B')
  FROM shaped`;

/** The floor any search stands on: one word, one indexed tsvector match, 20 rows, no ranking or facets. */
const BARE_SQL = `SELECT id FROM search_documents WHERE search @@ plainto_tsquery('simple', $1)
  AND NOT deleted AND NOT hidden LIMIT 20`;

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { 'p50 ms': at(0.5), 'p95 ms': at(0.95), 'p99 ms': at(0.99) };
}

async function timed(count: number, run: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(20, count); i++) await run(i + count); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  return percentiles(samples);
}

// The search service's own modules, from its build (bench depends on no service package).
const searchModule = async (path: string) =>
  // biome-ignore lint/suspicious/noExplicitAny: loaded from the service's build, typed at its use below
  (await import(pathToFileURL(join(ROOT, 'services/search/dist', path)).href)) as any;

/**
 * P-search: search on the PostgreSQL engine of all-in-one over 1M documents — full text (two words, typo variants
 * looked up), a 25 km geo filter and all five facets, ranked — against a bare indexed tsvector match in the same
 * run; then cache hits of the whole Searcher (scope lookup, key, cached answer) on the memory cache (and Redis
 * when REDIS_URL is set). Targets: p95 ≤ 50 ms, cache hit p99 ≤ 1 ms.
 */
async function run(): Promise<void> {
  const postgresPort = await freePort();
  const platform = await startPlatform({
    POSTGRES_PORT: String(postgresPort),
    BCRYPT_COST: '4',
    SERVICES: 'user,search',
  });
  const url = `postgres://postgres:postgres@127.0.0.1:${postgresPort}/diaspora_search`;
  const db = new Database(url, { max: 4 });
  // Seeding and VACUUM take longer than a request may: their own pool without the kit's 5 s bound.
  const seeder = new Database(url, { max: 1, statementTimeoutMs: 0, queryTimeoutMs: 3_600_000 });
  const caches: Cache[] = [];
  try {
    const viewer = await registerMember(platform.gatewayUrl); // from Senegal, lives in Paris
    const viewerId = JSON.parse(Buffer.from(viewer.accessToken.split('.')[1]!, 'base64url').toString()).sub as string;
    // Bulk load without the secondary indexes, then build them as the migration defined them (read back from
    // pg_indexes): far faster than maintaining GIN/GiST indexes row by row.
    const { rows: indexes } = await seeder.query<{ name: string; ddl: string }>(
      `SELECT indexname AS name, indexdef AS ddl FROM pg_indexes
       WHERE tablename = 'search_documents' AND indexname <> 'search_documents_pkey'`,
    );
    for (const index of indexes) await seeder.query(`DROP INDEX ${index.name}`);
    for (let from = 1; from <= DOCUMENTS; from += BATCH) {
      const to = Math.min(DOCUMENTS, from + BATCH - 1);
      await seeder.query(SEED_SQL, [from, to, VOCABULARY]);
      progress('seeding documents', to, DOCUMENTS);
    }
    for (const [i, index] of indexes.entries()) {
      await seeder.query(index.ddl);
      progress('building indexes', i + 1, indexes.length);
    }
    await seeder.query('INSERT INTO search_terms (term) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [
      VOCABULARY,
    ]);
    await seeder.query('VACUUM ANALYZE search_documents');
    await seeder.query('ANALYZE search_terms');

    const { PostgresEngine } = await searchModule('store/pg-engine.js');
    const { parseSearch } = await searchModule('domain/query.js');
    const { Searcher } = await searchModule('domain/searcher.js');
    const { searchStores } = await searchModule('store/stores.js');
    const engine = new PostgresEngine(db);
    const scope = { viewerId, city: 'Paris', originCountry: 'SN', residenceCountry: 'FR', excludedOwners: [] };
    const now = new Date();
    const words = (i: number): [string, string] => [
      VOCABULARY[(i * 37) % VOCABULARY.length]!,
      VOCABULARY[(i * 53 + 7) % VOCABULARY.length]!,
    ];
    const typo = (w: string) => `${w.slice(0, 2)}${w[2] === 'a' ? 'e' : 'a'}${w.slice(3)}`;

    const rows: Record<string, string | number>[] = [];
    const measure = async (name: string, run: (i: number) => Promise<unknown>) => {
      const result = await timed(QUERIES, run);
      rows.push({ query: name, ...result });
      return result;
    };
    const bare = await measure('bare indexed tsvector match, LIMIT 20 (baseline)', (i) =>
      db.query(BARE_SQL, [words(i)[0]]),
    );
    const oneWord = await measure('one word + facets, ranked', (i) =>
      engine.search(parseSearch({ q: words(i)[0] }), scope, { offset: 0 }, now),
    );
    const full = await measure('two words + 25 km around Paris + facets, ranked', (i) =>
      engine.search(
        parseSearch({ q: words(i).join(' '), near: '48.8566,2.3522', radiusKm: '25' }),
        scope,
        { offset: 0 },
        now,
      ),
    );
    await measure('two words with a typo + type + facets, ranked', (i) =>
      engine.search(
        parseSearch({ q: `${typo(words(i)[0])} ${words(i)[1]}`, type: 'posts' }),
        scope,
        { offset: 0 },
        now,
      ),
    );
    await measure('filters only: events within 25 km of Paris, next 30 days + facets', () =>
      engine.search(
        parseSearch({
          type: 'events',
          near: '48.8566,2.3522',
          radiusKm: '25',
          from: now.toISOString(),
          to: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
        }),
        scope,
        { offset: 0 },
        now,
      ),
    );

    // Cache hits through the whole Searcher: the viewer's scope (two indexed reads), the generations, the key.
    const uow = { read: searchStores(db) };
    const caller = { sub: viewerId, roles: ['regular'], tier: 'free', iat: 0, exp: 0, jti: 'bench' };
    const hitRows: Record<string, string | number>[] = [];
    const targets: Array<[string, Cache]> = [['memory', new MemoryCache()]];
    if (process.env.REDIS_URL)
      targets.push(['redis', await openCache(process.env.REDIS_URL, { namespace: `bench-${Date.now()}` })]);
    for (const [name, cache] of targets) {
      caches.push(cache);
      const searcher = new Searcher(uow, engine, {
        cursors: new CursorCodec('bench-cursor-secret-0123456789abcdefghij'),
        cache,
        cacheTtlMs: 300_000,
        logger: { error: () => undefined },
      });
      const query = parseSearch({ q: words(1).join(' '), near: '48.8566,2.3522', radiusKm: '25' });
      await searcher.search(caller, query, undefined);
      const saved = CACHE_HITS;
      const hits = await timed(saved, () => searcher.search(caller, query, undefined));
      hitRows.push({ query: `cache hit (${name}): same search again`, ...hits });
    }
    rows.push(...hitRows);
    console.log(
      `\nseeded ${DOCUMENTS} documents (${VOCABULARY.length}-word vocabulary); ${QUERIES} sequential queries each`,
    );
    report('search', rows, {
      documents: DOCUMENTS,
      p95_ms: full['p95 ms'],
      one_word_p95_ms: oneWord['p95 ms'],
      bare_p95_ms: bare['p95 ms'],
      ratio: full['p95 ms'] / Math.max(bare['p95 ms'], 0.001),
      cache_hit_p99_ms: hitRows[0]?.['p99 ms'] as number,
      redis_cache_hit_p99_ms: hitRows[1]?.['p99 ms'] as number | undefined,
    });
  } finally {
    for (const cache of caches) await cache.close();
    await db.close();
    await seeder.close();
    await platform.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'search',
  id: 'P-search',
  description:
    'search (full text + geo + facets, PostgreSQL engine) on 1M documents vs a bare indexed match; cache hits',
  run,
};
