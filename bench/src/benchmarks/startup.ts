import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAllInOneHost } from '../lib/all-in-one.js';
import { reportJudged } from '../lib/judged.js';
import { treeMemory } from '../lib/process-tree.js';
import type { Benchmark } from '../lib/report.js';

/** The brief's port base for the all-in-one host. */
const PORT = Number(process.env.BENCH_GATEWAY_PORT ?? 17000);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
const MB = 1024 * 1024;

async function coldStart(dataDir: string) {
  const host = await startAllInOneHost({ dataDir, port: PORT });
  try {
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    return { seconds: host.readySeconds, ...treeMemory(host.pid) };
  } finally {
    await host.stop();
  }
}

/**
 * P7: time from starting the all-in-one host (warm build) to ready — gateway up and all nine services' readiness
 * 200 — on a fresh DATA_DIR (initdb, migrations, keys) and on the same DATA_DIR again; then the idle memory of the
 * whole process tree (host + embedded PostgreSQL) after IDLE_SECONDS. Baseline: a bare `node -e ''` start.
 */
async function run(): Promise<void> {
  const bare = performance.now();
  await new Promise<void>((resolve, reject) =>
    spawn(process.execPath, ['-e', ''])
      .once('exit', () => resolve())
      .once('error', reject),
  );
  const nodeSeconds = (performance.now() - bare) / 1000;
  const dataDir = mkdtempSync(join(tmpdir(), 'diaspora-bench-startup-'));
  chmodSync(dataDir, 0o755);
  try {
    const fresh = await coldStart(dataDir);
    const reused = await coldStart(dataDir);
    const row = (name: string, r: typeof fresh) => ({
      start: name,
      'ready s': r.seconds,
      'host process RSS MB': r.rootRssBytes / MB,
      'idle RSS MB (sum)': r.rssBytes / MB,
      'idle PSS MB (shared pages once)': r.pssBytes / MB,
      processes: r.processes,
    });
    const worst = Math.max(fresh.seconds, reused.seconds);
    const memory = Math.max(fresh.pssBytes, reused.pssBytes) / MB;
    reportJudged(
      'startup',
      [
        {
          start: 'bare node process (baseline)',
          'ready s': nodeSeconds,
          'host process RSS MB': '',
          'idle RSS MB (sum)': '',
          'idle PSS MB (shared pages once)': '',
          processes: 1,
        },
        row('fresh DATA_DIR (initdb, migrations, keys)', fresh),
        row('reused DATA_DIR', reused),
      ],
      {
        fresh_ready_s: fresh.seconds,
        reused_ready_s: reused.seconds,
        ratio: reused.seconds / nodeSeconds,
        idle_rss_mb: Math.max(fresh.rssBytes, reused.rssBytes) / MB,
        idle_pss_mb: memory,
      },
      [
        { threshold: { metric: 'ready_s', op: '<=', target: 10 }, value: worst },
        { threshold: { metric: 'idle_memory_mb', op: '<=', target: 700 }, value: memory },
      ],
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const benchmark: Benchmark = {
  name: 'startup',
  id: 'P7',
  description: 'all-in-one host to ready (fresh and reused DATA_DIR) and idle memory of its process tree',
  run,
};
