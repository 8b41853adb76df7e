import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { freePort, kongConfigWithoutLimits, ROOT, startNode } from '../lib/processes.js';
import { type Benchmark, progress, report } from '../lib/report.js';
import { closeSockets, measureLatency, openSockets, rssBytes } from '../lib/ws-load.js';

const CONNECTIONS = Number(process.env.BENCH_CHAT_CONNECTIONS ?? 1000);
/** Each connection sends one message every this many ms (1000 connections × 1 per 2 s = 500 messages/s). */
const INTERVAL_MS = Number(process.env.BENCH_CHAT_INTERVAL_MS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const MB = 1024 * 1024;

// Free-tier quotas would stop the run: the benchmark measures delivery, not quotas.
const NO_QUOTAS = { FREE_DAILY_MESSAGES: '100000000', FREE_DAILY_NEW_CONVERSATIONS: '100000000' };

/**
 * A second messaging instance, alone in a fresh process, on the platform's database and user service: the clean
 * subject for "RSS per 1k connections" (no gateway, no other service, no garbage from seeding in its heap).
 */
async function startStandaloneMessaging(platform: Awaited<ReturnType<typeof startPlatformProcess>>) {
  const port = await freePort();
  const child = await startNode(
    join(ROOT, 'services/messaging/dist/main.js'),
    {
      HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      GRPC_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      DATABASE_URL: platform.postgresUrl('diaspora_messaging'),
      BUS_URL: 'memory://bench',
      CACHE_URL: 'memory://bench',
      AUTH_JWKS_URL: `${platform.userHttp}/.well-known/jwks.json`,
      USER_GRPC_ADDR: platform.userGrpc,
      DATA_DIR: platform.dataDir,
      ...NO_QUOTAS,
    },
    `http://127.0.0.1:${port}/health/ready`,
  );
  return { pid: child.process.pid!, url: `http://127.0.0.1:${port}`, stop: () => child.stop() };
}

/** The event-loop delay p99 a service saw since the previous scrape (prom-client resets it on each collect). */
async function eventLoopLagP99Ms(serviceUrl: string): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const match = /^nodejs_eventloop_lag_p99_seconds\{[^}]*\} ([\d.e+-]+)$/m.exec(text);
  return match ? Number(match[1]) * 1000 : Number.NaN;
}

/** The all-in-one platform as a child process whose pid we keep (its RSS is what we measure). */
async function startPlatformProcess() {
  const dataDir = mkdtempSync(join(tmpdir(), 'diaspora-bench-chat-'));
  chmodSync(dataDir, 0o755);
  const gatewayPort = await freePort();
  const postgresPort = await freePort();
  const httpBase = 20_000 + Math.floor(Math.random() * 20_000);
  const child = await startNode(
    join(ROOT, 'hosts/all-in-one/dist/main.js'),
    {
      DATA_DIR: dataDir,
      GATEWAY_PORT: String(gatewayPort),
      POSTGRES_PORT: String(postgresPort),
      SERVICE_HTTP_PORT_BASE: String(httpBase),
      SERVICE_GRPC_PORT_BASE: String(httpBase + 100),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      KONG_CONFIG: kongConfigWithoutLimits(),
      BCRYPT_COST: '4',
      ...NO_QUOTAS,
    },
    `http://127.0.0.1:${gatewayPort}/openapi.json`,
  );
  return {
    pid: child.process.pid!,
    dataDir,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    messagingUrl: `http://127.0.0.1:${httpBase + 4}`,
    userHttp: `http://127.0.0.1:${httpBase + 1}`,
    userGrpc: `127.0.0.1:${httpBase + 101}`,
    postgresUrl: (database: string) => `postgres://postgres:postgres@127.0.0.1:${postgresPort}/${database}`,
    stop: async () => {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function json(url: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

/** Members registered in pairs, each pair with its direct conversation. */
async function seed(gatewayUrl: string) {
  const members: { id: string; token: string; peer: number; conversationId: string }[] = new Array(CONNECTIONS);
  let done = 0;
  let next = 0;
  const stamp = Date.now();
  const worker = async () => {
    while (next < CONNECTIONS) {
      const index = next++;
      const registered = await json(`${gatewayUrl}/api/v1/users/auth/register`, {
        email: `chat${index}-${stamp}@example.com`,
        password: 'a long passphrase here',
        displayName: `Chat ${index}`,
        originCountry: 'SN',
        residenceCountry: 'FR',
        residenceCity: 'Paris',
        languages: ['fr'],
      });
      members[index] = {
        id: (registered.user as { id: string }).id,
        token: registered.accessToken as string,
        peer: index ^ 1,
        conversationId: '',
      };
      progress('registering members', ++done, CONNECTIONS);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  for (let i = 0; i + 1 < CONNECTIONS; i += 2) {
    const conversation = await json(
      `${gatewayUrl}/api/v1/messages/conversations`,
      { participantIds: [members[i + 1]!.id] },
      members[i]!.token,
    );
    members[i]!.conversationId = members[i + 1]!.conversationId = conversation.id as string;
  }
  return members;
}

interface Row {
  [column: string]: string | number;
}

/** RSS sampled a few times over a second: the lowest reading, the least disturbed by garbage not yet collected. */
async function settledRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    samples.push(rssBytes(pid));
  }
  return Math.min(...samples);
}

/**
 * Connects everyone, measures RSS growth, then send → receive latency under the schedule. RSS growth is only
 * meaningful in a fresh process (V8 reuses freed heap before growing): the all-in-one figure is indicative.
 */
async function measure(
  name: string,
  pid: number,
  url: (index: number) => string,
  frame: (index: number, key: string) => string,
  keyOf: (index: number, data: string) => string | undefined,
  options: { onOpen?: (socket: WebSocket) => void; lagOf?: string } = {},
): Promise<Row & { p50: number; p99: number }> {
  const { onOpen } = options;
  let hook: (key: string) => void = () => undefined;
  const onFrame = (index: number, data: string) => {
    const key = keyOf(index, data);
    if (key) hook(key);
  };
  const before = await settledRss(pid);
  const clients = await openSockets(CONNECTIONS, url, onFrame, onOpen);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const connected = await settledRss(pid);
  const run = {
    clients: CONNECTIONS,
    intervalMs: INTERVAL_MS,
    send: (i: number, key: string) => clients[i]!.socket.send(frame(i, key)),
  };
  await measureLatency({ ...run, seconds: 2, onReceived: (h) => (hook = h) }); // warm-up
  if (options.lagOf) await eventLoopLagP99Ms(options.lagOf);
  const result = await measureLatency({ ...run, seconds: SECONDS, onReceived: (h) => (hook = h) });
  const lag = options.lagOf ? await eventLoopLagP99Ms(options.lagOf) : Number.NaN;
  const loaded = rssBytes(pid);
  await closeSockets(clients);
  return {
    target: name,
    'msgs/s': result.perSecond,
    'p50 ms': result.p50,
    'p99 ms': result.p99,
    'max ms': result.max,
    lost: result.lost,
    'server loop lag p99 ms': Number.isNaN(lag) ? '' : lag,
    'RSS +1k conns MB': ((connected - before) / MB) * (1000 / CONNECTIONS),
    'RSS under load MB': loaded / MB,
    p50: result.p50,
    p99: result.p99,
  };
}

/**
 * P4: 1000 concurrent WebSocket connections (500 pairs of members, each pair in its direct conversation) exchanging
 * messages through the gateway: send → the peer's `message` frame, p50/p99, and the RSS the connections cost —
 * against a bare `ws` echo server (send → echo) driven by the same clients, schedule and payload sizes.
 */
async function run(): Promise<void> {
  const echoPort = await freePort();
  const echo = await startNode(
    join(ROOT, 'bench/dist/fixtures/ws-echo.js'),
    { PORT: String(echoPort) },
    `http://127.0.0.1:${echoPort}/`,
  );
  const rows: Row[] = [];
  try {
    const sample = JSON.stringify({
      op: 'send',
      conversationId: `cnv_${'0'.repeat(26)}`,
      type: 'text',
      body: { text: 'Salut, on se retrouve samedi ?' },
      clientMessageId: '0-0',
    });
    const baseline = await measure(
      'bare ws echo server (baseline)',
      echo.process.pid!,
      () => `ws://127.0.0.1:${echoPort}/`,
      (_index, key) => sample.replace('"0-0"', JSON.stringify(key)),
      (_index, data) => /"clientMessageId":"([^"]+)"/.exec(data)?.[1],
    );
    rows.push(baseline);
    await echo.stop();

    const platform = await startPlatformProcess();
    try {
      const members = await seed(platform.gatewayUrl);
      const frame = (index: number, key: string) =>
        JSON.stringify({
          op: 'send',
          conversationId: members[index]!.conversationId,
          type: 'text',
          body: { text: 'Salut, on se retrouve samedi ?' },
          clientMessageId: key,
        });
      // The peer's copy of the message is what counts (each sender also gets an ack and its own copy).
      const errors = new Map<string, number>();
      const keyOf = (index: number, data: string) => {
        if (data.startsWith('{"op":"error"')) {
          const code = (JSON.parse(data) as { code: string; message: string }).message;
          errors.set(code, (errors.get(code) ?? 0) + 1);
        }
        if (!data.startsWith('{"op":"message"')) return undefined;
        const parsed = JSON.parse(data) as { message: { senderId: string; clientMessageId: string } };
        return parsed.message.senderId === members[index]!.id ? undefined : parsed.message.clientMessageId;
      };
      // Each device says where it stands as soon as it is connected (it has nothing yet).
      const resume = (socket: WebSocket) => socket.send('{"op":"resume"}');
      const socketUrl = (base: string) => (index: number) =>
        `${base.replace('http', 'ws')}/api/v1/messages/ws?token=${members[index]!.token}`;
      const subject = await measure(
        'messaging through the gateway (all-in-one process)',
        platform.pid,
        socketUrl(platform.gatewayUrl),
        frame,
        keyOf,
        { onOpen: resume, lagOf: platform.messagingUrl },
      );
      rows.push(subject);
      const standalone = await startStandaloneMessaging(platform);
      let direct: Awaited<ReturnType<typeof measure>>;
      try {
        direct = await measure(
          'messaging alone in a fresh process, direct',
          standalone.pid,
          socketUrl(standalone.url),
          frame,
          keyOf,
          { onOpen: resume, lagOf: standalone.url },
        );
      } finally {
        await standalone.stop();
      }
      rows.push(direct);
      for (const [message, count] of errors) console.log(`error frames: ${count} × ${message}`);
      report(
        'chat',
        rows.map(({ p50: _p50, p99: _p99, ...row }) => row),
        {
          ratio: subject.p99 / baseline.p99,
          p50_ms: subject.p50,
          p99_ms: subject.p99,
          rps: subject['msgs/s'] as number,
          direct_p99_ms: direct.p99,
          rss_per_1k_mb: direct['RSS +1k conns MB'] as number,
          baseline_rss_per_1k_mb: baseline['RSS +1k conns MB'] as number,
        },
      );
    } finally {
      await platform.stop();
    }
  } finally {
    await echo.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'chat',
  id: 'P4',
  description: `${CONNECTIONS} WebSocket connections chatting through the gateway vs a bare ws echo server`,
  run,
};
