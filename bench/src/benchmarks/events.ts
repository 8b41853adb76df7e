import { join } from 'node:path';
import { DOMAINS } from '@diaspora/service-kit';
import pg from 'pg';
import { GEO_SQL, POPULAR_SQL, UPCOMING_OR_SQL, UPCOMING_SQL } from '../fixtures/events-sql.js';
import { load } from '../lib/load.js';
import { freePort, ROOT, registerMember, startNode, startPlatform } from '../lib/processes.js';
import { type Benchmark, progress, report } from '../lib/report.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
/**
 * `off` runs the event service with its response cache off (READ_CACHE_TTL_MS=0), so every request runs its
 * query: what a cache miss costs. Default on, as deployed: /upcoming is then one cached page per audience.
 */
const READ_CACHE = process.env.BENCH_READ_CACHE === 'off' ? 'off' : 'on';
const BATCH = 10_000;

/** Cities the seed spreads events over (±0.2° around each centre), one in four in Paris's region or Senegal. */
const PLACES: [string, string, number, number][] = [
  ['FR', 'Paris', 48.8566, 2.3522],
  ['FR', 'Lyon', 45.764, 4.8357],
  ['FR', 'Marseille', 43.2965, 5.3698],
  ['SN', 'Dakar', 14.7167, -17.4677],
  ['SN', 'Thies', 14.791, -16.9359],
  ['DE', 'Berlin', 52.52, 13.405],
  ['DE', 'Hamburg', 53.5511, 9.9937],
  ['GB', 'London', 51.5074, -0.1278],
  ['US', 'New York', 40.7128, -74.006],
  ['US', 'Houston', 29.7604, -95.3698],
  ['CA', 'Toronto', 43.6532, -79.3832],
  ['CA', 'Montreal', 45.5017, -73.5673],
  ['IT', 'Milan', 45.4642, 9.19],
  ['ES', 'Madrid', 40.4168, -3.7038],
  ['BE', 'Brussels', 50.8503, 4.3517],
  ['NL', 'Amsterdam', 52.3676, 4.9041],
  ['GH', 'Accra', 5.6037, -0.187],
  ['NG', 'Lagos', 6.5244, 3.3792],
  ['CM', 'Douala', 4.0511, 9.7679],
  ['MA', 'Casablanca', 33.5731, -7.5898],
];

const SEED_SQL = `
  WITH places (idx, country, city, lat, lon) AS (
    VALUES ${PLACES.map(([country, city, lat, lon], i) => `(${i}, '${country}', '${city}', ${lat}, ${lon})`).join(', ')}
  ), rows AS (
    SELECT i, (i * 7919) % ${PLACES.length} AS place, random() AS r1, random() AS r2, random() AS r3
    FROM generate_series($1::int, $2::int) AS i
  )
  INSERT INTO events (id, organizer_id, type, status, title, description, domain, starts_at, ends_at, timezone,
    venue_name, venue_address, city, country, lat, lon, capacity, registered_count, languages)
  SELECT 'evt_bench' || lpad(i::text, 21, '0'), 'usr_bench' || (i % 5000),
    (ARRAY['free', 'free', 'national', 'local'])[1 + i % 4], 'published', 'Bench event ' || i, 'Seeded.',
    (ARRAY[${DOMAINS.map((d) => `'${d}'`).join(', ')}])[1 + (i * 31) % ${DOMAINS.length}],
    now() + make_interval(hours => (r1 * 24 * 400)::int - 24 * 30),
    now() + make_interval(hours => (r1 * 24 * 400)::int - 24 * 30 + 3),
    'Europe/Paris', 'Hall ' || i, '1 main street', p.city, p.country, p.lat + (r2 - 0.5) * 0.4,
    p.lon + (r3 - 0.5) * 0.4, 100, i % 100, ARRAY['fr', 'en']
  FROM rows JOIN places p ON p.idx = rows.place`;

async function seed(db: pg.Pool): Promise<void> {
  for (let from = 1; from <= EVENTS; from += BATCH) {
    await db.query(SEED_SQL, [from, Math.min(EVENTS, from + BATCH - 1)]);
    progress('seeding events', Math.min(EVENTS, from + BATCH - 1), EVENTS);
  }
  await db.query('VACUUM ANALYZE events'); // as autovacuum would have: visibility map set for index-only scans
}

/** The plan's access paths, to show the baseline really is an indexed query. */
async function accessPaths(db: pg.Pool, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const found = new Set<string>();
  const walk = (node: Record<string, unknown>) => {
    if (typeof node['Index Name'] === 'string') found.add(`${node['Node Type']} ${node['Index Name']}`);
    else if (String(node['Node Type']).includes('Seq Scan')) found.add('Seq Scan');
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk((rows[0] as { 'QUERY PLAN': { Plan: Record<string, unknown> }[] })['QUERY PLAN'][0]!.Plan);
  return [...found].join(', ');
}

/** EXPLAIN (ANALYZE, BUFFERS), indented, so the report shows which indexes each listing reads and how much. */
async function explain(db: pg.Pool, label: string, sql: string, params: unknown[]): Promise<void> {
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  console.log(`\n${label}:\n\n${rows.map((row) => `    ${row['QUERY PLAN']}`).join('\n')}`);
}

/**
 * P-events: on 100k events, `/upcoming` (JWT, the member's audience, the personalized query) and the filtered
 * geo listing (`near` + radius + domain, a (domain, position) GiST index) through the event service, against the
 * same SQL behind a bare Fastify route on the same database, in the same run. With the read cache on (default)
 * the service answers a page per audience from the cache after the first request; BENCH_READ_CACHE=off measures
 * the query path of every request.
 */
async function run(): Promise<void> {
  const postgresPort = await freePort();
  const platform = await startPlatform({
    POSTGRES_PORT: String(postgresPort),
    BCRYPT_COST: '4',
    SERVICES: 'user,event',
    ...(READ_CACHE === 'off' ? { READ_CACHE_TTL_MS: '0' } : {}),
  });
  const databaseUrl = `postgres://postgres:postgres@127.0.0.1:${postgresPort}/diaspora_event`;
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const barePort = await freePort();
  let bare: Awaited<ReturnType<typeof startNode>> | undefined;
  try {
    await seed(db);
    bare = await startNode(
      join(ROOT, 'bench/dist/fixtures/events-sql.js'),
      { PORT: String(barePort), DATABASE_URL: databaseUrl },
      `http://127.0.0.1:${barePort}/upcoming`,
    );
    const { accessToken } = await registerMember(platform.gatewayUrl);
    const headers = { authorization: `Bearer ${accessToken}` };
    const service = platform.serviceUrl(2);
    const bareUrl = `http://127.0.0.1:${barePort}`;
    const targets = [
      { name: "bare SQL /upcoming, today's single OR (baseline)", url: `${bareUrl}/upcoming-or`, headers: {} },
      { name: 'bare SQL /upcoming, UNION ALL branches (baseline)', url: `${bareUrl}/upcoming`, headers: {} },
      { name: 'event service GET /upcoming', url: `${service}/api/v1/events/upcoming?limit=20`, headers },
      { name: 'bare SQL geo query (baseline)', url: `${bareUrl}/geo`, headers: {} },
      {
        name: 'event service GET /?near=Paris&radiusKm=10&domain=ict',
        url: `${service}/api/v1/events?near=48.8566,2.3522&radiusKm=10&domain=ict&limit=20`,
        headers,
      },
      { name: 'bare SQL /popular?country=FR (baseline)', url: `${bareUrl}/popular`, headers: {} },
      { name: 'event service GET /popular?country=FR', url: `${service}/api/v1/events/popular?country=FR`, headers },
    ];
    const results = [];
    for (const target of targets) {
      await load({ url: target.url, headers: target.headers, connections: 16, durationSeconds: 2 }); // warm-up
      const result = await load({ url: target.url, headers: target.headers, connections: 16 });
      if (result.non2xx || result.errors)
        throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      results.push({ target: target.name, 'req/s': result.rps, 'p50 ms': result.p50, 'p99 ms': result.p99 });
    }
    const [orBase, unionBase, upcoming, geoBase, geo, popularBase, popular] = results as Required<typeof results>;
    console.log(`\nseeded ${EVENTS} events; access paths:`);
    console.log(`- upcoming: ${await accessPaths(db, UPCOMING_SQL, ['FR', 'Paris', 'SN'])}`);
    console.log(`- upcoming before (single OR): ${await accessPaths(db, UPCOMING_OR_SQL, ['FR', 'Paris', 'SN'])}`);
    console.log(`- geo: ${await accessPaths(db, GEO_SQL, [48.8566, 2.3522, 10_000, 'ict'])}`);
    console.log(`- popular: ${await accessPaths(db, POPULAR_SQL, ['FR'])}`);
    await explain(db, 'upcoming (UNION ALL)', UPCOMING_SQL, ['FR', 'Paris', 'SN']);
    await explain(db, "upcoming, today's single OR", UPCOMING_OR_SQL, ['FR', 'Paris', 'SN']);
    await explain(db, 'geo', GEO_SQL, [48.8566, 2.3522, 10_000, 'ict']);
    await explain(db, 'popular', POPULAR_SQL, ['FR']);
    const met = upcoming!['req/s'] >= 3 * orBase!['req/s'] && upcoming!['p99 ms'] <= 20;
    console.log(
      `\ntarget (issue 18): service /upcoming >= 3x today's SQL and p99 <= 20 ms at 16 connections, read cache ${READ_CACHE}: ` +
        `${(upcoming!['req/s'] / orBase!['req/s']).toFixed(2)}x, p99 ${upcoming!['p99 ms']} ms: ${met ? 'met' : 'not met'}`,
    );
    report('events', results, {
      target_met: met ? 1 : 0,
      read_cache_on: READ_CACHE === 'on' ? 1 : 0,
      // The issue 18 headline: the service's /upcoming against today's SQL alone (target >= 3).
      speedup_vs_or_sql: upcoming!['req/s'] / orBase!['req/s'],
      sql_speedup: unionBase!['req/s'] / orBase!['req/s'],
      ratio: upcoming!['p99 ms'] / Math.max(unionBase!['p99 ms'], 1),
      geo_ratio: geo!['p99 ms'] / Math.max(geoBase!['p99 ms'], 1),
      popular_ratio: popular!['p99 ms'] / Math.max(popularBase!['p99 ms'], 1),
      p50_ms: upcoming!['p50 ms'],
      p99_ms: upcoming!['p99 ms'],
      geo_p50_ms: geo!['p50 ms'],
      geo_p99_ms: geo!['p99 ms'],
      popular_p99_ms: popular!['p99 ms'],
      rps: upcoming!['req/s'],
      geo_rps: geo!['req/s'],
      popular_rps: popular!['req/s'],
    });
  } finally {
    await db.end();
    await bare?.stop();
    await platform.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'events',
  id: 'P-events',
  description:
    "/upcoming, the filtered geo listing and /popular on 100k events vs the same SQL (and /upcoming's former SQL) behind bare Fastify",
  run,
};
