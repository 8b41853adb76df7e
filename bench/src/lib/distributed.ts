import { spawn } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ciServers } from './ci-servers.js';
import { stopTree } from './process-tree.js';
import { ROOT, startNode } from './processes.js';

interface PlatformState {
  gatewayUrl: string;
  servers: { redis: string };
  processes: { id: string; name: string; http: number }[];
}

/**
 * `scripts/start-distributed.mjs` on the shared CI servers (never stopped here) with its own data dir, then a
 * loopback-trusting gateway (trusted-gateway.ts) in front of its services on `trustedPort`.
 */
export async function startDistributed(options: { portBase: number; trustedPort: number; timeoutMs?: number }) {
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
  const services = state.processes.filter((p) => p.name !== 'gateway');
  const upstreams = Object.fromEntries(
    [...new Set(services.map((p) => p.name))].map((name) => [
      `${name}-service`,
      services.filter((p) => p.name === name).map((p) => `http://127.0.0.1:${p.http}`),
    ]),
  );
  const jwtPrivate = readFileSync(join(dataDir, 'keys/jwt-signing.key.pem'), 'utf8');
  const gateway = await startNode(
    join(ROOT, 'bench/dist/lib/trusted-gateway.js'),
    {
      GATEWAY_PORT: String(options.trustedPort),
      GATEWAY_UPSTREAMS: JSON.stringify(upstreams),
      CACHE_URL: state.servers.redis,
      JWT_PUBLIC_KEY: createPublicKey(jwtPrivate).export({ format: 'pem', type: 'spki' }).toString(),
    },
    `http://127.0.0.1:${options.trustedPort}/openapi.json`,
  ).catch(async (error) => {
    await stop();
    throw error;
  });
  return {
    gatewayUrl: `http://127.0.0.1:${options.trustedPort}`,
    processes: state.processes.length,
    readySeconds,
    logPath,
    stop: async () => {
      await gateway.stop();
      await stop();
    },
  };
}
