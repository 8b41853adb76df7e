import { join } from 'node:path';
import { load } from '../lib/load.js';
import { freePort, kongConfigWithoutLimits, ROOT, registerMember, startNode, startPlatform } from '../lib/processes.js';
import { type Benchmark, report } from '../lib/report.js';

/**
 * P1: an authenticated GET through the gateway (routing, jwt plugin, rate-limit counting, proxy) to a service
 * route that verifies the token again and reads PostgreSQL — against a bare Fastify hello-world.
 */
async function run(): Promise<void> {
  const helloPort = await freePort();
  const hello = await startNode(
    join(ROOT, 'bench/dist/fixtures/hello.js'),
    { PORT: String(helloPort) },
    `http://127.0.0.1:${helloPort}/`,
  );
  const platform = await startPlatform({ KONG_CONFIG: kongConfigWithoutLimits(), BCRYPT_COST: '4' });
  try {
    const { accessToken } = await registerMember(platform.gatewayUrl);
    const headers = { authorization: `Bearer ${accessToken}` };
    const targets = [
      { name: 'bare Fastify hello-world (baseline)', url: `http://127.0.0.1:${helloPort}/`, headers: {} },
      { name: 'user service GET /profile, direct', url: `${platform.serviceUrl(1)}/api/v1/users/profile`, headers },
      { name: 'gateway → jwt → GET /profile', url: `${platform.gatewayUrl}/api/v1/users/profile`, headers },
    ];
    const results = [];
    for (const target of targets) {
      await load({ url: target.url, headers: target.headers, durationSeconds: 2 }); // warm-up
      const result = await load({ url: target.url, headers: target.headers });
      if (result.non2xx || result.errors)
        throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      results.push({ target: target.name, 'req/s': result.rps, 'p50 ms': result.p50, 'p99 ms': result.p99 });
    }
    const [baseline, direct, subject] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
    report('gateway', results, {
      // The issue 18 headline: the same route through the gateway against direct (target >= 0.8, +5 ms p99).
      pass_through: subject['req/s'] / direct['req/s'],
      added_p99_vs_direct_ms: subject['p99 ms'] - direct['p99 ms'],
      ratio: subject['req/s'] / baseline['req/s'],
      added_p99_ms: subject['p99 ms'] - baseline['p99 ms'],
      p50_ms: subject['p50 ms'],
      p99_ms: subject['p99 ms'],
      rps: subject['req/s'],
    });
  } finally {
    await platform.stop();
    await hello.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'gateway',
  id: 'P1',
  description: 'authenticated GET through the gateway vs a bare Fastify hello-world',
  run,
};
