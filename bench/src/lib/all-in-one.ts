import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stopTree } from './process-tree.js';
import { ROOT } from './processes.js';

/** Services the all-in-one host runs, on HTTP ports base+1…base+9 (hosts/all-in-one discovery order). */
const SERVICES = 9;

const ok = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(1000) }).then(
    (response) => response.ok,
    () => false,
  );

/**
 * `npm start` with a warm build: the all-in-one host on fixed ports (gateway `port`, service HTTP port+100+n,
 * gRPC port+200+n, PostgreSQL port+300). Resolves once ready — the gateway answers and all nine services'
 * /health/ready are 200 — with the seconds it took; `stop` waits for the whole process tree (embedded PostgreSQL
 * included) to be gone, so the next start finds its ports free.
 */
export async function startAllInOneHost(options: {
  dataDir: string;
  port: number;
  env?: Record<string, string>;
  timeoutMs?: number;
}) {
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'hosts/all-in-one/dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: options.dataDir,
      GATEWAY_PORT: String(options.port),
      SERVICE_HTTP_PORT_BASE: String(options.port + 100),
      SERVICE_GRPC_PORT_BASE: String(options.port + 200),
      POSTGRES_PORT: String(options.port + 300),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => stopTree(child.pid!);
  const deadline = started + (options.timeoutMs ?? 300_000);
  const pending = new Set([
    `http://127.0.0.1:${options.port}/openapi.json`,
    ...Array.from({ length: SERVICES }, (_, i) => `http://127.0.0.1:${options.port + 101 + i}/health/ready`),
  ]);
  try {
    while (pending.size) {
      if (child.exitCode !== null) throw new Error(`the platform exited with ${child.exitCode} before it was ready`);
      if (performance.now() > deadline) throw new Error(`not ready in time: ${[...pending].join(', ')}`);
      const answers = await Promise.all([...pending].map(async (url) => [url, await ok(url)] as const));
      for (const [url, up] of answers) if (up) pending.delete(url);
      if (pending.size) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid!,
    readySeconds: (performance.now() - started) / 1000,
    gatewayUrl: `http://127.0.0.1:${options.port}`,
    stop,
  };
}
