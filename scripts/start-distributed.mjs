#!/usr/bin/env node
// Distributed mode on one machine: real PostgreSQL / Redis / NATS JetStream (+ FerretDB, OpenSearch when present),
// one database per service, every service in its own `node services/<s>/dist/main.js` process (messaging and content
// twice, behind a round-robin gateway upstream), the gateway reading kong/kong.yml, the env the Helm chart gives the
// pods (own service identity key, peers' JWKS, a cursor secret per service, the JWT key for user).
//   npm run start:distributed                   # builds nothing: run `npm run build` first
//   POSTGRES_URL=… REDIS_URL=… NATS_URL=… npm run start:distributed   # use these servers instead of ci-servers.sh
// Env: DISTRIBUTED_PORT_BASE (21000: gateway; service n on HTTP base+100+n / gRPC base+200+n, second instances
// +50), DISTRIBUTED_DATA_DIR (.data/distributed), DISTRIBUTED_SERVICES (subset, user always), DISTRIBUTED_REPLICAS
// (messaging=2,content=2), GATEWAY_TRUSTED_PROXIES, KONG_CONFIG, LOG_LEVEL. A crashed service is restarted (a pod's restartPolicy); Ctrl+C stops every
// child, then the servers this script started. <data dir>/platform.json lists the processes (the chaos suite reads it).
// `kill -USR2 <supervisor pid>` restarts every service in turn without failing requests (a rolling restart).
import { execFileSync, spawn } from 'node:child_process';
import { createPublicKey, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const load = (path) => import(pathToFileURL(join(ROOT, path)).href);

/** The gateway child: kong/kong.yml with every upstream's targets from GATEWAY_UPSTREAMS (JSON). */
async function runGateway() {
  const kit = await load('packages/service-kit/dist/index.js');
  const { createGateway } = await load('hosts/gateway/dist/index.js');
  const logger = kit.createLogger({ service: 'gateway', level: process.env.LOG_LEVEL ?? 'info' });
  const cache = await kit.openCache(process.env.CACHE_URL, { namespace: 'gateway' });
  const gateway = await createGateway({
    kongConfigPath: resolve(ROOT, process.env.KONG_CONFIG ?? 'kong/kong.yml'),
    env: process.env,
    upstreams: JSON.parse(process.env.GATEWAY_UPSTREAMS),
    onlyListedUpstreams: true,
    cache,
    logger,
    trustedProxies: (process.env.GATEWAY_TRUSTED_PROXIES ?? '').split(',').filter(Boolean),
  });
  await gateway.listen({ host: '127.0.0.1', port: Number(process.env.GATEWAY_PORT) });
  kit.exitOnSignal(
    async () => {
      await gateway.close();
      await cache.close();
    },
    { logger, timeoutMs: 10_000 },
  );
}

const SERVICE_ORDER = [
  'user',
  'event',
  'content',
  'messaging',
  'notification',
  'payment',
  'search',
  'integration',
  'admin',
];
const COLORS = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95, 96];

function say(message) {
  process.stdout.write(`\x1b[1m[distributed]\x1b[0m ${message}\n`);
}

/** POSTGRES_URL/REDIS_URL/NATS_URL (+MONGO_URL, OPENSEARCH_URL) from the env, or from `ci-servers.sh start`. */
function servers() {
  if (process.env.POSTGRES_URL && process.env.REDIS_URL && process.env.NATS_URL)
    return { env: process.env, startedHere: false };
  const script = join(ROOT, 'scripts/ci-servers.sh');
  let wasUp = true;
  try {
    execFileSync(script, ['status'], { stdio: 'ignore' });
  } catch {
    wasUp = false;
  }
  say('starting PostgreSQL, Redis, NATS JetStream and the peers (scripts/ci-servers.sh start)');
  const out = execFileSync(script, ['start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const env = { ...process.env };
  for (const [, name, value] of out.matchAll(/^export ([A-Z_]+)=(.*)$/gm)) env[name] = value;
  return { env, startedHere: !wasUp };
}

/** A secret kept under the data dir, so restarts keep cursors (and sessions) valid. */
function keptSecret(dir, name, make) {
  const path = join(dir, name);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path, make(), { mode: 0o600 });
  }
  return readFileSync(path, 'utf8');
}

async function main() {
  const base = Number(process.env.DISTRIBUTED_PORT_BASE ?? 21000);
  const dataDir = resolve(ROOT, process.env.DISTRIBUTED_DATA_DIR ?? '.data/distributed');
  const logLevel = process.env.LOG_LEVEL ?? 'info';
  const only = process.env.DISTRIBUTED_SERVICES?.split(',').map((s) => s.trim());
  const replicas = Object.fromEntries(
    (process.env.DISTRIBUTED_REPLICAS ?? 'messaging=2,content=2').split(',').map((pair) => {
      const [name, count] = pair.split('=');
      return [name.trim(), Number(count)];
    }),
  );
  const names = SERVICE_ORDER.filter((name) => !only || name === 'user' || only.includes(name));
  for (const path of [...names.map((n) => `services/${n}/dist/main.js`), 'hosts/gateway/dist/index.js']) {
    if (!existsSync(join(ROOT, path))) throw new Error(`${path} is missing: run npm run build first`);
  }
  mkdirSync(dataDir, { recursive: true });
  const kit = await load('packages/service-kit/dist/index.js');
  const { ensureDatabase, withDatabase } = await load('packages/embedded-postgres/dist/index.js');
  const { env: serverEnv, startedHere } = servers();

  const gatewayUrl = `http://127.0.0.1:${base}`;
  const publicUrl = `http://localhost:${base}`;
  const jwtPrivate = keptSecret(
    join(dataDir, 'keys'),
    'jwt-signing.key.pem',
    () => kit.generateSigningKey().privateKeyPem,
  );
  const jwtPublic = createPublicKey(jwtPrivate).export({ format: 'pem', type: 'spki' }).toString();
  const identities = Object.fromEntries(names.map((name) => [name, kit.ensureServiceKeyPair(dataDir, name)]));
  const peerKeys = kit.servicePeerJwks(Object.fromEntries(names.map((n) => [n, identities[n].publicKeyPem])));

  // Instance k of service n: HTTP base+100+n (+50 per further instance), gRPC base+200+n (+50).
  const instances = names.flatMap((name) => {
    const n = SERVICE_ORDER.indexOf(name);
    const count = replicas[name] ?? 1;
    return Array.from({ length: count }, (_, k) => ({
      name,
      id: k ? `${name}-${k + 1}` : name,
      http: base + 100 + n + 50 * k,
      grpc: base + 200 + n + 50 * k,
      // A single instance's spare ports: its surge instance serves on them during a rolling restart.
      ...(count === 1 ? { spare: { http: base + 125 + n, grpc: base + 225 + n } } : {}),
    }));
  });
  const portsOf = (name, kind) =>
    instances.filter((i) => i.name === name).flatMap((i) => [i[kind], ...(i.spare ? [i.spare[kind]] : [])]);
  // grpc-js's ipv4: resolver takes several addresses; the channel moves to the next one when one goes away.
  const grpcOf = (name) =>
    `ipv4:${portsOf(name, 'grpc')
      .map((port) => `127.0.0.1:${port}`)
      .join(',')}`;
  const peers = Object.fromEntries(names.map((name) => [`${name.toUpperCase()}_GRPC_ADDR`, grpcOf(name)]));
  const userHttp = instances.find((i) => i.name === 'user').http;

  for (const name of names) await ensureDatabase(serverEnv.POSTGRES_URL, `distributed_${name}`);

  const envOf = (instance) => {
    const { name } = instance;
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      HTTP_PORT: String(instance.http),
      GRPC_PORT: String(instance.grpc),
      LOG_LEVEL: logLevel,
      DATABASE_URL: withDatabase(serverEnv.POSTGRES_URL, `distributed_${name}`),
      BUS_URL: serverEnv.NATS_URL,
      CACHE_URL: serverEnv.REDIS_URL,
      AUTH_JWKS_URL: `http://127.0.0.1:${userHttp}/.well-known/jwks.json`,
      CURSOR_SECRET: keptSecret(join(dataDir, 'secrets'), `${name}.cursor`, () => randomBytes(32).toString('hex')),
      SERVICE_PRIVATE_KEY: identities[name].privateKeyPem,
      SERVICE_PEER_KEYS: peerKeys,
      TRUSTED_PROXIES: 'loopback',
      PUBLIC_BASE_URL: publicUrl,
      PUBLIC_APP_URL: publicUrl,
      PUBLIC_API_URL: publicUrl,
      SHUTDOWN_TIMEOUT_MS: '10000',
      MIGRATE_ON_BOOT: 'true',
      // Media and generated secrets of a service: shared by its instances, as a volume would be.
      DATA_DIR: join(dataDir, name),
      ...peers,
      ...(process.env.OUTBOX_POLL_MS ? { OUTBOX_POLL_MS: process.env.OUTBOX_POLL_MS } : {}),
    };
    if (name === 'user') {
      env.JWT_PRIVATE_KEY = jwtPrivate;
      env.USER_DATA_EXPORT_PEERS = names
        .filter((n) => n !== 'user')
        .map((n) => `${n}=127.0.0.1:${instances.find((i) => i.name === n).grpc}`)
        .join(',');
    }
    if (serverEnv.MONGO_URL && (name === 'content' || name === 'integration')) {
      env[name === 'content' ? 'CONTENT_STORE' : 'INTEGRATION_STORE'] = 'mongodb';
      env.MONGO_URL = `${serverEnv.MONGO_URL.replace(/\/?$/, '/')}distributed_${name}`;
    }
    if (name === 'integration')
      env.INTEGRATION_ENCRYPTION_KEY = keptSecret(join(dataDir, 'secrets'), 'integration.key', () =>
        randomBytes(32).toString('hex'),
      );
    if (name === 'admin')
      env.PSEUDONYM_SECRET = keptSecret(join(dataDir, 'secrets'), 'admin.pseudonym', () =>
        randomBytes(32).toString('hex'),
      );
    if (name === 'search' && serverEnv.OPENSEARCH_URL) {
      Object.assign(env, {
        SEARCH_ENGINE: 'opensearch',
        SEARCH_URL: serverEnv.OPENSEARCH_URL,
        SEARCH_INDEX: `distributed-${base}`,
      });
    }
    return env;
  };

  const gatewayEnv = {
    PATH: process.env.PATH,
    LOG_LEVEL: logLevel,
    GATEWAY_PORT: String(base),
    GATEWAY_TRUSTED_PROXIES: process.env.GATEWAY_TRUSTED_PROXIES ?? '', // e.g. loopback, for a local load generator
    ...(process.env.KONG_CONFIG ? { KONG_CONFIG: process.env.KONG_CONFIG } : {}),
    CACHE_URL: serverEnv.REDIS_URL,
    JWT_PUBLIC_KEY: jwtPublic,
    GATEWAY_UPSTREAMS: JSON.stringify(
      Object.fromEntries(
        names.map((name) => [`${name}-service`, portsOf(name, 'http').map((port) => `http://127.0.0.1:${port}`)]),
      ),
    ),
  };
  const processes = [
    ...instances.map((i) => ({ ...i, args: [join(ROOT, `services/${i.name}/dist/main.js`)], env: envOf(i) })),
    {
      id: 'gateway',
      name: 'gateway',
      http: base,
      args: [fileURLToPath(import.meta.url), '--gateway'],
      env: gatewayEnv,
    },
  ];

  let stopping = false;
  const children = new Map();
  const retiring = new Set();
  const start = (spec, color) => {
    if (stopping) return;
    const child = spawn(process.execPath, spec.args, { cwd: ROOT, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = `\x1b[${color}m${spec.id.padEnd(12)}|\x1b[0m `;
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${prefix}${line}\n`));
    children.set(spec.id, child);
    writeState();
    child.on('exit', (code, signal) => {
      if (stopping || retiring.has(child)) return;
      say(`${spec.id} exited (${signal ?? code}); restarting in 1 s`);
      setTimeout(() => !stopping && start(spec, color), 1000);
    });
  };
  const writeState = () =>
    writeFileSync(
      join(dataDir, 'platform.json'),
      JSON.stringify(
        {
          supervisor: process.pid,
          rollingRestarts,
          restarting,
          gatewayUrl,
          servers: { postgres: serverEnv.POSTGRES_URL, redis: serverEnv.REDIS_URL, nats: serverEnv.NATS_URL },
          processes: processes.map(({ id, name, http, grpc }) => ({
            id,
            name,
            http,
            grpc,
            pid: children.get(id)?.pid,
          })),
        },
        null,
        2,
      ),
    );

  const stopAll = async (exitCode) => {
    if (stopping) return;
    stopping = true;
    say('stopping: gateway, then services (SIGTERM, drain), then the servers this script started');
    const stopChild = (child) =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(killer);
          done();
        });
        child.kill('SIGTERM');
      });
    const gateway = children.get('gateway');
    if (gateway) await stopChild(gateway);
    await Promise.all([...children.values()].map(stopChild));
    if (startedHere) execFileSync(join(ROOT, 'scripts/ci-servers.sh'), ['stop'], { stdio: 'inherit' });
    say('stopped');
    process.exit(exitCode);
  };
  const exited = (child) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((d) => child.once('exit', d));
  // `kubectl rollout restart` (SIGUSR2): one process after the other is stopped by SIGTERM (it drains) and started
  // again; while a single-instance service restarts, a surge instance on its spare ports (listed in the gateway's
  // upstream and the peers' gRPC addresses) serves. The gateway itself is not restarted: it is the one port.
  let rolling = false;
  let rollingRestarts = 0;
  let restarting; // the process a rolling restart is at
  const rollingRestart = async () => {
    if (rolling || stopping) return;
    rolling = true;
    say('rolling restart: each service in turn (SIGTERM, drain, start again)');
    for (const spec of processes.filter((p) => p.id !== 'gateway')) {
      restarting = spec.id;
      writeState();
      const { http, grpc } = spec.spare ?? {};
      const env = { ...spec.env, HTTP_PORT: String(http), GRPC_PORT: String(grpc) };
      const surge = spec.spare && { ...spec, id: `${spec.id}-surge`, http, env };
      if (surge) start(surge, 90);
      if (surge) await ready(surge, '/health/ready');
      const old = children.get(spec.id);
      old.kill('SIGTERM');
      await exited(old); // the exit handler starts it again
      while (!stopping && children.get(spec.id) === old) await new Promise((r) => setTimeout(r, 100));
      await ready(spec, '/health/ready');
      if (surge) {
        const child = children.get(surge.id);
        retiring.add(child);
        children.delete(surge.id);
        child.kill('SIGTERM');
        await exited(child);
      }
    }
    rolling = false;
    restarting = undefined;
    rollingRestarts++;
    writeState();
    say('rolling restart done');
  };
  process.on(
    'SIGUSR2',
    () =>
      void rollingRestart().catch((error) => {
        rolling = false;
        say(`\x1b[31mrolling restart failed: ${error.message}\x1b[0m`);
      }),
  );
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const ready = async (spec, path, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (stopping) return;
      const ok = await fetch(`http://127.0.0.1:${spec.http}${path}`, { signal: AbortSignal.timeout(2000) })
        .then((response) => (path === '/health/ready' ? response.ok : true))
        .catch(() => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`${spec.id} was not ready within ${timeoutMs / 1000} s (its log lines above say why)`);
  };

  const started = performance.now();
  try {
    // First instances first (each runs its migrations), then the extra ones, then the gateway.
    const first = processes.filter((p) => p.id === p.name && p.id !== 'gateway');
    const extra = processes.filter((p) => p.id !== p.name);
    for (const p of first) start(p, COLORS[processes.indexOf(p) % COLORS.length]);
    await Promise.all(first.map((p) => ready(p, '/health/ready')));
    for (const p of extra) start(p, COLORS[processes.indexOf(p) % COLORS.length]);
    await Promise.all(extra.map((p) => ready(p, '/health/ready')));
    const gateway = processes.at(-1);
    start(gateway, 97);
    await ready(gateway, '/openapi.json');
  } catch (error) {
    say(`\x1b[31m${error.message}\x1b[0m`);
    await stopAll(1);
    return;
  }
  if (stopping) return;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const rows = processes
    .filter((p) => p.id !== 'gateway')
    .map(
      (p) =>
        `    ${p.id.padEnd(13)} http://127.0.0.1:${p.http}  gRPC 127.0.0.1:${p.grpc}  pid ${children.get(p.id)?.pid}`,
    );
  process.stdout.write(
    [
      '',
      `  Diaspora Community Platform is running (distributed, ${processes.length} processes, ready in ${seconds}s)`,
      '',
      `  API       ${publicUrl}/api/v1/…`,
      `  Docs      ${publicUrl}/docs`,
      `  Servers   ${serverEnv.POSTGRES_URL.replace(/\/\/[^@]*@/, '//')}  ${serverEnv.REDIS_URL}  ${serverEnv.NATS_URL}`,
      '  Services',
      ...rows,
      `  State     ${join(dataDir, 'platform.json')}`,
      '',
      '  Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
  say('ready');
}

if (process.argv[2] === '--gateway') await runGateway();
else await main();
