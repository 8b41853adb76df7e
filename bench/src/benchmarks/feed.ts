import { join } from 'node:path';
import pg from 'pg';
import { BARE_FEED_SQL } from '../fixtures/feed-sql.js';
import { load } from '../lib/load.js';
import { freePort, ROOT, registerMember, startNode, startPlatform } from '../lib/processes.js';
import { type Benchmark, progress, report } from '../lib/report.js';

const POSTS = Number(process.env.BENCH_POSTS ?? 1_000_000);
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const BATCH = 25_000;
/** Concurrent connections driving each target (the machine has 2 cores shared by everything here). */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
/** Authors the benchmark's viewer follows; their newest posts fill the viewer's precomputed timeline. */
const FOLLOWED = 200;

/** Twenty origin countries and twenty-five residence cities; the viewer is from Senegal and lives in Paris. */
const ORIGINS = [
  'SN',
  'CM',
  'CI',
  'ML',
  'GH',
  'NG',
  'KE',
  'ET',
  'MA',
  'DZ',
  'TN',
  'CD',
  'CG',
  'GA',
  'BJ',
  'TG',
  'BF',
  'NE',
  'GN',
  'HT',
];
const CITIES: [string, string][] = [
  ['FR', 'Paris'],
  ['FR', 'Lyon'],
  ['FR', 'Marseille'],
  ['FR', 'Lille'],
  ['BE', 'Brussels'],
  ['DE', 'Berlin'],
  ['DE', 'Hamburg'],
  ['GB', 'London'],
  ['GB', 'Manchester'],
  ['US', 'New York'],
  ['US', 'Houston'],
  ['US', 'Atlanta'],
  ['CA', 'Toronto'],
  ['CA', 'Montreal'],
  ['IT', 'Milan'],
  ['ES', 'Madrid'],
  ['NL', 'Amsterdam'],
  ['CH', 'Geneva'],
  ['SE', 'Stockholm'],
  ['PT', 'Lisbon'],
  ['AE', 'Dubai'],
  ['QA', 'Doha'],
  ['CN', 'Guangzhou'],
  ['BR', 'Sao Paulo'],
  ['ZA', 'Johannesburg'],
];
const LANGUAGES = ['fr', 'en', 'fr', 'en', 'wo', 'ar', 'pt', 'es'];
const DOMAINS = ['ict', 'commerce', 'health', 'education', 'associations', 'art_crafts', 'tourism', 'others'];

const array = (values: string[]) => `ARRAY[${values.map((value) => `'${value}'`).join(', ')}]`;
const author = (n: string) => `'usr_0' || lpad((${n})::text, 25, '0')`;

/** Users: author u is from ORIGINS[u % 20], lives in CITIES[u % 25]. */
const MEMBERS_SQL = `
  INSERT INTO members (user_id, display_name, origin_country, residence_country, residence_city, languages, source_at)
  SELECT ${author('u')}, 'Bench author ' || u, (${array(ORIGINS)})[1 + u % ${ORIGINS.length}],
    (${array(CITIES.map(([country]) => country))})[1 + u % ${CITIES.length}],
    (${array(CITIES.map(([, city]) => city))})[1 + u % ${CITIES.length}], ARRAY['fr', 'en'], now()
  FROM generate_series($1::int, $2::int) AS u`;

/** Posts: post n (newer as n grows, one a second) by a pseudo-random author; ids sort below live ULIDs. */
const POSTS_SQL = `
  WITH rows AS (
    SELECT n, 'pst_0' || lpad(n::text, 25, '0') AS id, ((n::bigint * 7919) % ${USERS})::int AS u,
      now() - make_interval(secs => ${POSTS} - n) AS at
    FROM generate_series($1::int, $2::int) AS n
  ), shaped AS (
    SELECT id, n, at, ${author('u')} AS author_id,
      (${array(ORIGINS)})[1 + u % ${ORIGINS.length}] AS origin,
      (${array(CITIES.map(([country]) => country))})[1 + u % ${CITIES.length}] AS country,
      (${array(CITIES.map(([, city]) => city))})[1 + u % ${CITIES.length}] AS city,
      (${array(LANGUAGES)})[1 + n % ${LANGUAGES.length}] AS language,
      (${array(DOMAINS)})[1 + n % ${DOMAINS.length}] AS domain,
      CASE WHEN n % 10 = 0 THEN 'country' WHEN n % 10 = 1 THEN 'city' ELSE 'public' END AS visibility
    FROM rows
  )
  INSERT INTO content_posts (id, author_id, state, visibility, origin_country, residence_country, city_key, language,
    domain, like_count, comment_count, version, created_at, doc)
  SELECT id, author_id, 'published', visibility, origin, country, lower(city), language, domain, n % 17, n % 5, 1, at,
    jsonb_build_object('id', id, 'authorId', author_id, 'text', 'Seeded post number ' || n || ' #bench',
      'tags', '["bench"]'::jsonb, 'mentions', '[]'::jsonb, 'links', '[]'::jsonb, 'language', language,
      'visibility', visibility, 'domain', domain, 'media', '[]'::jsonb, 'originCountry', origin,
      'residenceCountry', country, 'residenceCity', city,
      'moderation', jsonb_build_object('state', 'published', 'score', 0, 'labels', '[]'::jsonb),
      'publishedAt', at, 'createdAt', at, 'history', '[]'::jsonb, 'version', 1)
  FROM shaped`;

export async function seed(db: pg.Pool): Promise<void> {
  for (let from = 0; from < USERS; from += BATCH * 4) {
    const to = Math.min(USERS, from + BATCH * 4) - 1;
    await db.query(MEMBERS_SQL, [from, to]);
    progress('seeding users', to + 1, USERS);
  }
  for (let from = 1; from <= POSTS; from += BATCH) {
    const to = Math.min(POSTS, from + BATCH - 1);
    await db.query(POSTS_SQL, [from, to]);
    progress('seeding posts', to, POSTS);
  }
  await db.query('VACUUM ANALYZE content_posts');
  await db.query('ANALYZE members');
}

/**
 * The viewer is active: their precomputed timeline (fan-out on write) holds the newest 400 posts of the people
 * they follow, as it would after they read their feed; community channels (Senegal, Paris) are read live.
 */
export async function seedViewer(db: pg.Pool, viewerId: string): Promise<void> {
  const followed = Array.from({ length: FOLLOWED }, (_, i) => `usr_0${String((i * 499) % USERS).padStart(25, '0')}`);
  await db.query(
    'INSERT INTO follows (follower_id, followee_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING',
    [viewerId, followed],
  );
  await db.query(
    `INSERT INTO timelines (user_id, post_id, author_id)
     SELECT $1, id, author_id FROM content_posts WHERE author_id = ANY($2::text[]) ORDER BY id DESC LIMIT 400`,
    [viewerId, followed],
  );
  await db.query(
    `INSERT INTO timeline_owners (user_id, last_seen_at, built_at) VALUES ($1, now(), now())
     ON CONFLICT (user_id) DO UPDATE SET last_seen_at = now(), built_at = now()`,
    [viewerId],
  );
}

/** The same query straight through pg, as many in flight as the HTTP targets: the floor of any feed. */
async function rawQuery(db: pg.Pool, seconds: number, connections: number) {
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        const started = performance.now();
        await db.query(BARE_FEED_SQL, ['SN']);
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

/**
 * P3: the posts section's first page (JWT, viewer lookup, precomputed timeline merged with the origin-country and
 * city channels, read access, likes, authors through one cached gRPC batch, sponsored slots) on 1M posts by 100k
 * users, against a bare indexed LIMIT 20 on the same table — behind a bare Fastify route, and straight through pg.
 */
async function run(): Promise<void> {
  const postgresPort = await freePort();
  const platform = await startPlatform({
    POSTGRES_PORT: String(postgresPort),
    BCRYPT_COST: '4',
    SERVICES: 'user,content',
  });
  const databaseUrl = `postgres://postgres:postgres@127.0.0.1:${postgresPort}/diaspora_content`;
  const db = new pg.Pool({ connectionString: databaseUrl, max: CONNECTIONS });
  const barePort = await freePort();
  let bare: Awaited<ReturnType<typeof startNode>> | undefined;
  try {
    const viewer = await registerMember(platform.gatewayUrl); // from Senegal, lives in Paris
    const viewerId = JSON.parse(Buffer.from(viewer.accessToken.split('.')[1]!, 'base64url').toString()).sub as string;
    await seed(db);
    await seedViewer(db, viewerId);
    bare = await startNode(
      join(ROOT, 'bench/dist/fixtures/feed-sql.js'),
      { PORT: String(barePort), DATABASE_URL: databaseUrl },
      `http://127.0.0.1:${barePort}/posts`,
    );
    const headers = { authorization: `Bearer ${viewer.accessToken}` };
    const feedPath = '/api/v1/content/feed?section=posts&limit=20';
    const first = await fetch(`${platform.serviceUrl(3)}${feedPath}`, { headers });
    const page = (await first.json()) as { items: unknown[] };
    if (first.status !== 200 || page.items.length < 20)
      throw new Error(`feed answered ${first.status} with ${page.items.length} items`);
    const targets = [
      {
        name: 'bare indexed LIMIT 20 behind bare Fastify (baseline)',
        url: `http://127.0.0.1:${barePort}/posts`,
        headers: {},
      },
      { name: 'content service GET /feed?section=posts, direct', url: `${platform.serviceUrl(3)}${feedPath}`, headers },
    ];
    type Row = { target: string; connections: number; 'req/s': number; 'p50 ms': number; 'p99 ms': number };
    const results: Row[] = [];
    // At the benchmark's concurrency (the summary line), then one request at a time (latency without queueing).
    for (const connections of [CONNECTIONS, 1]) {
      await rawQuery(db, 2, connections); // warm-up
      const raw = await rawQuery(db, Number(process.env.BENCH_SECONDS ?? 10), connections);
      results.push({
        target: 'bare indexed LIMIT 20 straight through pg',
        connections,
        'req/s': raw.rps,
        'p50 ms': raw.p50,
        'p99 ms': raw.p99,
      });
      for (const target of targets) {
        await load({ url: target.url, headers: target.headers, connections, durationSeconds: 2 }); // warm-up
        const result = await load({ url: target.url, headers: target.headers, connections });
        if (result.non2xx || result.errors)
          throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        results.push({
          target: target.name,
          connections,
          'req/s': result.rps,
          'p50 ms': result.p50,
          'p99 ms': result.p99,
        });
      }
    }
    const [rawRow, baseline, feed, , , single] = results as [Row, Row, Row, Row, Row, Row];
    console.log(`\nseeded ${POSTS} posts by ${USERS} users; summary at ${CONNECTIONS} connections`);
    report('feed', results, {
      ratio: feed['p99 ms'] / Math.max(baseline['p99 ms'], 0.001),
      sql_ratio: feed['p99 ms'] / Math.max(rawRow['p99 ms'], 0.001),
      p50_ms: feed['p50 ms'],
      p99_ms: feed['p99 ms'],
      rps: feed['req/s'],
      single_p99_ms: single['p99 ms'],
    });
  } finally {
    await db.end();
    await bare?.stop();
    await platform.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'feed',
  id: 'P3',
  description: 'feed first page on 1M posts / 100k users vs a bare indexed LIMIT 20 query (bare Fastify and raw pg)',
  run,
};
