import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { load } from '../lib/load.js';
import { ROOT, registerMember, startPlatform } from '../lib/processes.js';
import { type Benchmark, report } from '../lib/report.js';

async function eventLoopLagP99Ms(serviceUrl: string): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const match = /^nodejs_eventloop_lag_p99_seconds\{[^}]*\} ([\d.e+-]+)$/m.exec(text);
  return match ? Number(match[1]) * 1000 : Number.NaN;
}

/**
 * P2: login throughput of the user service at the production bcrypt cost, against raw bcrypt compares per
 * second at the same cost on the same cores; and the service's event-loop lag p99 while it runs.
 */
async function run(): Promise<void> {
  const cost = process.env.BENCH_BCRYPT_COST ?? '12';
  const seconds = process.env.BENCH_SECONDS ?? '10';
  const raw = spawnSync(process.execPath, [join(ROOT, 'bench/dist/fixtures/bcrypt-rate.js')], {
    env: { ...process.env, BCRYPT_COST: cost, BENCH_SECONDS: seconds },
    encoding: 'utf8',
  });
  if (raw.status !== 0) throw new Error(`bcrypt baseline failed: ${raw.stderr}`);
  const { opsPerSecond } = JSON.parse(raw.stdout) as { opsPerSecond: number };

  const platform = await startPlatform({ BCRYPT_COST: cost });
  try {
    const member = await registerMember(platform.gatewayUrl);
    const user = platform.serviceUrl(1);
    const body = JSON.stringify({ email: member.user.email, password: 'a long passphrase here' });
    const request = {
      url: `${user}/api/v1/users/auth/login`,
      method: 'POST' as const,
      body,
      headers: { 'content-type': 'application/json' },
    };
    await load({ ...request, connections: 8, durationSeconds: 2 }); // warm-up
    await eventLoopLagP99Ms(user); // resets the service's lag histogram
    const login = await load({ ...request, connections: 16 });
    const lag = await eventLoopLagP99Ms(user);
    if (login.non2xx || login.errors) throw new Error(`login: ${login.non2xx} non-2xx, ${login.errors} errors`);
    report(
      'login',
      [
        { measure: `raw bcrypt compare, cost ${cost} (baseline)`, 'ops/s': opsPerSecond, 'p50 ms': '', 'p99 ms': '' },
        { measure: 'POST /auth/login (user service)', 'ops/s': login.rps, 'p50 ms': login.p50, 'p99 ms': login.p99 },
        { measure: 'service event-loop lag p99 during the run', 'ops/s': '', 'p50 ms': '', 'p99 ms': lag },
      ],
      {
        ratio: login.rps / opsPerSecond,
        p50_ms: login.p50,
        p99_ms: login.p99,
        rps: login.rps,
        event_loop_lag_p99_ms: lag,
      },
    );
  } finally {
    await platform.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'login',
  id: 'P2',
  description: 'login throughput vs raw bcrypt compares/s at the same cost',
  run,
};
