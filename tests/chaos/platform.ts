import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const SERVERS = join(ROOT, 'tests/chaos/servers.sh');

export interface ProcessInfo {
  id: string;
  name: string;
  http: number;
  grpc?: number;
  pid: number;
}

/** tests/chaos/servers.sh: the suite's own PostgreSQL/Redis/NATS; `start` answers their URLs. */
export function servers(action: 'start' | 'stop', name?: 'postgres' | 'redis' | 'nats'): Record<string, string> {
  const out = execFileSync(SERVERS, name ? [action, name] : [action], { encoding: 'utf8' });
  return Object.fromEntries([...out.matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map(([, k, v]) => [k!, v!]));
}

/** `npm run start:distributed` on the suite's servers, until its "ready" line; stop() is its Ctrl+C. */
export async function startPlatform(portBase = 21000) {
  const urls = servers('start');
  const dataDir = mkdtempSync(join(tmpdir(), 'diaspora-distributed-'));
  const child = spawn(process.execPath, [join(ROOT, 'scripts/start-distributed.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...urls,
      MONGO_URL: '',
      OPENSEARCH_URL: '',
      DISTRIBUTED_PORT_BASE: String(portBase),
      DISTRIBUTED_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // Events leave the outbox quickly, so the suite's waits stay short.
      OUTBOX_POLL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`platform not ready in 240 s:\n${output.slice(-4000)}`)), 240_000);
    child.stdout.on('data', (chunk) => {
      output = (output + chunk).slice(-200_000);
      if (output.includes('[distributed]\x1b[0m ready')) {
        clearTimeout(timer);
        done();
      }
    });
    child.on('exit', (code) => fail(new Error(`start-distributed exited (${code}):\n${output.slice(-4000)}`)));
  });
  return {
    ...attach({ dataDir, servers: urls }),
    log: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** What a test file needs to find the running platform (the global setup provides it). */
export interface PlatformInfo {
  dataDir: string;
  servers: Record<string, string>;
}

/** The platform from its state file: processes and pids change as they are killed and restarted. */
export function attach(info: PlatformInfo) {
  const state = () =>
    JSON.parse(readFileSync(join(info.dataDir, 'platform.json'), 'utf8')) as {
      supervisor: number;
      rollingRestarts: number;
      restarting?: string;
      gatewayUrl: string;
      processes: ProcessInfo[];
    };
  return {
    info,
    gatewayUrl: state().gatewayUrl,
    supervisor: () => state().supervisor,
    rollingRestarts: () => state().rollingRestarts,
    restarting: () => state().restarting,
    processes: () => state().processes,
    process: (id: string) => state().processes.find((p) => p.id === id)!,
  };
}
export type Platform = ReturnType<typeof attach>;

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const ready = (http: number) =>
  fetch(`http://127.0.0.1:${http}/health/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok);

/** A member registered through the gateway; `call` sends JSON with the member's access token. */
export async function member(gatewayUrl: string, tag: string) {
  const response = await fetch(`${gatewayUrl}/api/v1/users/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`,
      password: 'Correct-horse-9-battery',
      displayName: `Chaos ${tag}`,
      originCountry: 'SN',
      residenceCountry: 'FR',
      residenceCity: 'Paris',
      languages: ['fr'],
      domains: ['education'],
    }),
  });
  if (response.status !== 201 && response.status !== 200)
    throw new Error(`register: ${response.status} ${await response.text()}`);
  const { accessToken, user } = (await response.json()) as { accessToken: string; user: { id: string } };
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${gatewayUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        // As the apps do on writes: a resent request (by the gateway, after a lost connection) is applied once.
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
  return { id: user.id, token: accessToken, call };
}
