import { join } from 'node:path';
import { measure } from '../lib/load.js';
import { freePort, kongConfigWithoutLimits, ROOT, registerMember, startNode, startPlatform } from '../lib/processes.js';
import { type Benchmark, report } from '../lib/report.js';

/** Issue 18: through the gateway, at least this share of the direct route's throughput… */
const PASS_THROUGH_TARGET = 0.8;
/** …adding at most this much to its p99. */
const ADDED_P99_TARGET_MS = 5;

/**
 * P1: an authenticated GET through the gateway (routing, jwt plugin, rate-limit counting, proxy) to a service
 * route that verifies the token again and reads PostgreSQL — against the same route direct, and a bare Fastify
 * hello-world. The all-in-one runs the gateway and the services in one process, so its CPU time per request, direct
 * and through the gateway, shows what the hop itself costs.
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
    const baseline = await measure(
      { name: 'bare Fastify hello-world (baseline)', url: `http://127.0.0.1:${helloPort}/` },
      { pid: hello.process.pid },
    );
    const pid = platform.process.pid;
    const direct = await measure(
      { name: 'user service GET /profile, direct', url: `${platform.serviceUrl(1)}/api/v1/users/profile`, headers },
      { pid },
    );
    const subject = await measure(
      { name: 'gateway → jwt → GET /profile', url: `${platform.gatewayUrl}/api/v1/users/profile`, headers },
      { pid },
    );
    const passThrough = Number(subject['req/s']) / Number(direct['req/s']);
    const addedP99 = Number(subject['p99 ms']) - Number(direct['p99 ms']);
    const met = passThrough >= PASS_THROUGH_TARGET && addedP99 <= ADDED_P99_TARGET_MS;
    console.log(
      `\ntarget (issue 18): through the gateway >= ${PASS_THROUGH_TARGET}x direct, p99 + <= ${ADDED_P99_TARGET_MS} ms: ` +
        `${passThrough.toFixed(2)}x, p99 ${addedP99 >= 0 ? '+' : ''}${addedP99} ms: ${met ? 'met' : 'not met'}`,
    );
    const cpu = (row: Record<string, string | number>) => row['server CPU µs/req'] as number | undefined;
    report('gateway', [baseline, direct, subject], {
      // The issue 18 headline: the same route through the gateway against direct.
      pass_through: passThrough,
      added_p99_vs_direct_ms: addedP99,
      target_met: met ? 1 : 0,
      hop_cpu_us: cpu(subject) !== undefined && cpu(direct) !== undefined ? cpu(subject)! - cpu(direct)! : undefined,
      ratio: Number(subject['req/s']) / Number(baseline['req/s']),
      added_p99_ms: Number(subject['p99 ms']) - Number(baseline['p99 ms']),
      p50_ms: Number(subject['p50 ms']),
      p99_ms: Number(subject['p99 ms']),
      rps: Number(subject['req/s']),
    });
  } finally {
    await platform.stop();
    await hello.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'gateway',
  id: 'P1',
  description: 'authenticated GET through the gateway vs the same route direct (and a bare Fastify hello-world)',
  run,
};
