import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@diaspora/embedded-postgres';
import { parse, stringify } from 'yaml';

export { freePort };

export const ROOT = join(import.meta.dirname, '../../..');

async function waitFor(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

export interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startNode(script: string, env: Record<string, string>, readyUrl: string): Promise<Child> {
  // BENCH_NODE_ARGS reaches the servers under test, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile them.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(readyUrl, child);
  return {
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The real all-in-one platform in a child process, on fresh data and free ports. */
export async function startPlatform(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'diaspora-bench-'));
  chmodSync(dataDir, 0o755);
  const gatewayPort = await freePort();
  const httpBase = 20_000 + Math.floor(Math.random() * 20_000);
  const child = await startNode(
    join(ROOT, 'hosts/all-in-one/dist/main.js'),
    {
      DATA_DIR: dataDir,
      GATEWAY_PORT: String(gatewayPort),
      POSTGRES_PORT: String(await freePort()),
      SERVICE_HTTP_PORT_BASE: String(httpBase),
      SERVICE_GRPC_PORT_BASE: String(httpBase + 100),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ...env,
    },
    `http://127.0.0.1:${gatewayPort}/openapi.json`,
  );
  return {
    /** The platform's node process (its own CPU time excludes PostgreSQL's processes). */
    process: child.process,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    /** HTTP URL of the n-th service of the all-in-one order (user = 1). */
    serviceUrl: (index: number) => `http://127.0.0.1:${httpBase + index}`,
    stop: async () => {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux; undefined elsewhere): per request,
 * it shows what a server spends regardless of how busy the machine is.
 */
export function cpuMsOf(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100; // USER_HZ, 100 on every Linux platform Node runs on

export async function registerMember(baseUrl: string, index = 0) {
  const response = await fetch(`${baseUrl}/api/v1/users/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `bench${index}-${Date.now()}@example.com`,
      password: 'a long passphrase here',
      displayName: `Bench ${index}`,
      originCountry: 'SN',
      residenceCountry: 'FR',
      residenceCity: 'Paris',
      languages: ['fr'],
    }),
  });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { accessToken: string; user: { id: string; email: string } };
}

/**
 * kong.yml with every rate limit raised out of reach: the plugin still runs and counts, it just never says no
 * (benchmarks send thousands of requests from one IP).
 */
export function kongConfigWithoutLimits(): string {
  const config = parse(readFileSync(join(ROOT, 'kong/kong.yml'), 'utf8'));
  const lift = (plugins: { name: string; config: Record<string, number> }[] = []) => {
    for (const plugin of plugins) if (plugin.name === 'rate-limiting') plugin.config.minute = 1_000_000_000;
  };
  lift(config.plugins);
  for (const service of config.services) {
    lift(service.plugins);
    for (const route of service.routes) lift(route.plugins);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'bench-kong-')), 'kong.yml');
  writeFileSync(path, stringify(config));
  return path;
}
