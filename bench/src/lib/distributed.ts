import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ciServers } from './ci-servers.js';
import { stopTree } from './process-tree.js';
import { ROOT } from './processes.js';

interface PlatformState {
  gatewayUrl: string;
  processes: { id: string; name: string; http: number }[];
}

/**
 * `scripts/start-distributed.mjs` on the shared CI servers (never stopped here) with its own data dir, its gateway
 * trusting loopback as a proxy.
 */
export async function startDistributed(options: { portBase: number; timeoutMs?: number }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'diaspora-bench-distributed-'));
  // The processes' logs, kept after the run (the data dir is removed): where to look when something failed.
  const logPath = join(tmpdir(), `diaspora-bench-distributed-${Date.now()}.log`);
  const log = createWriteStream(logPath);
  const servers = ciServers();
  const supervisor = spawn(process.execPath, [join(ROOT, 'scripts/start-distributed.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...servers,
      // BENCH_DISTRIBUTED_MONGO=off keeps content and integration on PostgreSQL (when FerretDB misbehaves).
      ...(process.env.BENCH_DISTRIBUTED_MONGO === 'off' ? { MONGO_URL: '' } : {}),
      DISTRIBUTED_PORT_BASE: String(options.portBase),
      DISTRIBUTED_DATA_DIR: dataDir,
      // Each simulated member sends its own X-Forwarded-For, so it stays within its own per-IP limits.
      GATEWAY_TRUSTED_PROXIES: 'loopback',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    await stopTree(supervisor.pid!, 60_000);
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('distributed platform not ready in time')),
        options.timeoutMs ?? 300_000,
      );
      let output = '';
      supervisor.stdout!.on('data', (chunk: Buffer) => {
        log.write(chunk);
        output += chunk.toString();
        if (/\[distributed\]\S* ready$/m.test(output)) {
          clearTimeout(timer);
          resolve();
        }
        output = output.slice(-2000);
      });
      supervisor.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`start-distributed exited with ${code}; its log: ${logPath}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const readySeconds = (performance.now() - started) / 1000;
  const state = JSON.parse(readFileSync(join(dataDir, 'platform.json'), 'utf8')) as PlatformState;
  return { gatewayUrl: state.gatewayUrl, processes: state.processes.length, readySeconds, logPath, stop };
}
