import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAllInOneHost } from '../lib/all-in-one.js';
import { startDistributed } from '../lib/distributed.js';
import { reportJudged } from '../lib/judged.js';
import type { Recorder } from '../lib/load-client.js';
import { mixedLoad } from '../lib/mixed-load.js';
import type { Benchmark } from '../lib/report.js';

// `npm run bench -- load --duration 120 --members 100 --mode all-in-one|distributed|both` (run.ts turns the flags
// into BENCH_DURATION, BENCH_MEMBERS, BENCH_MODE).
const SECONDS = Number(process.env.BENCH_DURATION ?? 120);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100);
/** Mean pause between two actions of one member (each pause is 0.5–1.5 times this). */
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 1000);
const MODE = process.env.BENCH_MODE ?? 'both';
/** The brief's port bases: all-in-one on 17000 (+100 HTTP, +200 gRPC, +300 PostgreSQL), distributed on 16000. */
const ALL_IN_ONE_PORT = Number(process.env.BENCH_GATEWAY_PORT ?? 17000);
const DISTRIBUTED_PORT_BASE = Number(process.env.BENCH_DISTRIBUTED_PORT_BASE ?? 16000);

const K6 = {
  failed: { metric: 'http_req_failed', op: '<' as const, target: 0.01 },
  p95: { metric: 'p(95) ms', op: '<' as const, target: 200 },
};
const percent = (n: number) => `${(n * 100).toFixed(2)}%`;

/** The all-in-one host with production settings, except that it trusts this machine's X-Forwarded-For. */
async function startAllInOne() {
  const dataDir = mkdtempSync(join(tmpdir(), 'diaspora-bench-load-'));
  chmodSync(dataDir, 0o755); // embedded PostgreSQL runs as the postgres user when started by root
  const host = await startAllInOneHost({
    dataDir,
    port: ALL_IN_ONE_PORT,
    env: { GATEWAY_TRUSTED_PROXIES: 'loopback' },
  });
  return {
    gatewayUrl: host.gatewayUrl,
    label: `all-in-one (1 process + embedded PostgreSQL, in-process bus and cache; ready in ${host.readySeconds.toFixed(0)} s)`,
    stop: async () => {
      await host.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startDistributedMode() {
  const platform = await startDistributed({
    portBase: DISTRIBUTED_PORT_BASE,
  });
  return {
    ...platform,
    label: `distributed (${platform.processes} processes on PostgreSQL, Redis, NATS; ready in ${platform.readySeconds.toFixed(0)} s; logs in ${platform.logPath})`,
  };
}

function rows(recorder: Recorder) {
  const row = (name: string, operation?: string) => {
    const s = recorder.summary(operation);
    return {
      operation: name,
      requests: s.count,
      failed: percent(s.failedRate),
      'p50 ms': s.p50,
      'p95 ms': s.p95,
      'p99 ms': s.p99,
      'max ms': s.max,
    };
  };
  return [
    ...recorder.operations().map((operation) => row(operation, operation)),
    row('all HTTP requests (http_req_duration)'),
  ];
}

async function measure(mode: 'all-in-one' | 'distributed') {
  const platform = mode === 'all-in-one' ? await startAllInOne() : await startDistributedMode();
  try {
    console.log(`\n${platform.label}: ${MEMBERS} members, ${SECONDS} s, think time ~${THINK_MS} ms`);
    const { recorder, chat } = await mixedLoad({
      gatewayUrl: platform.gatewayUrl,
      members: MEMBERS,
      seconds: SECONDS,
      thinkMs: THINK_MS,
    });
    const http = recorder.summary();
    const delivery = recorder.summary('ws chat delivery');
    const lost = chat.sent - chat.delivered;
    console.log(`chat: ${chat.sent} sent, ${chat.delivered} delivered to the peer, ${chat.errorFrames} error frames`);
    for (const [operation, samples] of recorder.samples)
      if (samples.length) console.log(`failures of ${operation}, e.g.: ${samples.join(' | ')}`);
    reportJudged(
      `load ${mode}`,
      rows(recorder),
      {
        members: MEMBERS,
        seconds: SECONDS,
        http_reqs: http.count,
        rps: http.count / SECONDS,
        http_req_failed_pct: http.failedRate * 100,
        p50_ms: http.p50,
        p95_ms: http.p95,
        p99_ms: http.p99,
        chat_sent: chat.sent,
        chat_lost: lost,
        chat_p95_ms: delivery.p95,
      },
      [
        { threshold: K6.failed, value: http.failedRate, format: percent },
        { threshold: K6.p95, value: http.p95 },
      ],
    );
    return http;
  } finally {
    await platform.stop();
  }
}

/**
 * Issue 19 item 2: a realistic mix (log in and refresh, feed, post, like, comment, register to events, chat over
 * WebSocket, search) from MEMBERS simulated members for SECONDS, per operation p50/p95/p99 and error rate with
 * k6's thresholds, against all-in-one and distributed; the all-in-one run is the baseline of the distributed one.
 */
async function run(): Promise<void> {
  const modes = MODE === 'both' ? (['all-in-one', 'distributed'] as const) : [MODE as 'all-in-one' | 'distributed'];
  const results = [];
  for (const mode of modes) results.push(await measure(mode));
  if (results.length === 2)
    console.log(`\ndistributed / all-in-one p95: ${(results[1]!.p95 / results[0]!.p95).toFixed(2)}`);
}

export const benchmark: Benchmark = {
  name: 'load',
  id: 'P8',
  description: `mixed load from ${MEMBERS} members for ${SECONDS} s (${MODE}): per-operation p50/p95/p99, k6 thresholds`,
  run,
};
