import { join } from 'node:path';
import { measure } from '../lib/load.js';
import { freePort, kongConfigWithoutLimits, ROOT, registerMember, startNode, startPlatform } from '../lib/processes.js';
import { type Benchmark, report } from '../lib/report.js';

/** Issue 18: the service's own-profile read reaches at least this share of a bare primary-key select. */
const TARGET = 0.7;
/** The service's pool (DATABASE_POOL_MAX's default); the baseline gets the same number of connections. */
const POOL_MAX = 10;

/**
 * P-profile: `GET /api/v1/users/profile` on the user service (token verified, one query for the member, roles and
 * graph counts, the own view) against a bare Fastify route selecting the same row by primary key with `pg`, on the
 * same database with as many connections, in the same run.
 */
async function run(): Promise<void> {
  const postgresPort = await freePort();
  const platform = await startPlatform({
    KONG_CONFIG: kongConfigWithoutLimits(),
    POSTGRES_PORT: String(postgresPort),
    BCRYPT_COST: '4',
    SERVICES: 'user',
    DATABASE_POOL_MAX: String(POOL_MAX),
  });
  const barePort = await freePort();
  let bare: Awaited<ReturnType<typeof startNode>> | undefined;
  try {
    const { accessToken, user } = await registerMember(platform.gatewayUrl);
    bare = await startNode(
      join(ROOT, 'bench/dist/fixtures/profile-sql.js'),
      {
        PORT: String(barePort),
        POOL_MAX: String(POOL_MAX),
        DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${postgresPort}/diaspora_user`,
      },
      `http://127.0.0.1:${barePort}/users/${user.id}`,
    );
    const baseline = await measure(
      {
        name: 'bare Fastify + pg, SELECT * FROM users WHERE id = $1 (baseline)',
        url: `http://127.0.0.1:${barePort}/users/${user.id}`,
      },
      { pid: bare.process.pid },
    );
    const subject = await measure(
      {
        name: 'user service GET /profile (token, one query, own view)',
        url: `${platform.serviceUrl(1)}/api/v1/users/profile`,
        headers: { authorization: `Bearer ${accessToken}` },
      },
      { pid: platform.process.pid },
    );
    const ratio = Number(subject['req/s']) / Number(baseline['req/s']);
    const met = ratio >= TARGET;
    console.log(
      `\ntarget (issue 18): GET /profile >= ${TARGET}x a bare primary-key select: ${ratio.toFixed(2)}x: ${met ? 'met' : 'not met'}`,
    );
    report('profile', [baseline, subject], {
      // The issue 18 headline: the service's read against the bare select.
      ratio,
      target_met: met ? 1 : 0,
      added_p99_ms: Number(subject['p99 ms']) - Number(baseline['p99 ms']),
      p50_ms: Number(subject['p50 ms']),
      p99_ms: Number(subject['p99 ms']),
      rps: Number(subject['req/s']),
      baseline_rps: Number(baseline['req/s']),
    });
  } finally {
    await bare?.stop();
    await platform.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'profile',
  id: 'P1b',
  description: 'GET /users/profile on the user service vs a bare Fastify + pg primary-key select',
  run,
};
