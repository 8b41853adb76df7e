import { ensureDatabase, withDatabase } from '@diaspora/embedded-postgres';
import {
  createLogger,
  Database,
  enqueueEnvelopes,
  kitMigrations,
  migrate,
  NatsBus,
  newId,
  OutboxRelay,
} from '@diaspora/service-kit';
import { ciServers } from '../lib/ci-servers.js';
import { reportJudged } from '../lib/judged.js';
import { pool } from '../lib/load-client.js';
import type { Benchmark } from '../lib/report.js';
import { summarize } from '../lib/stats.js';

/** Rows waiting in the outbox when the relay starts (throughput phase). */
const BACKLOG = Number(process.env.BENCH_RELAY_EVENTS ?? 20_000);
/** Commits per second during the lag phase, one event per transaction, as a busy service writes them. */
const RATE = Number(process.env.BENCH_RELAY_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const STREAM_DOMAIN = 'benchrelay';
const run = Math.random().toString(36).slice(2, 8);

const envelope = (subject: string) => ({
  id: newId('evt'),
  subject,
  v: 1,
  occurredAt: new Date().toISOString(),
  source: 'bench',
  data: { note: 'A member registered to the Saturday meetup in Paris', at: Date.now() },
});

/** Counts deliveries of one subject and, for ids we timed, the delay since `startedAt[id]`. */
async function consumer(bus: NatsBus, subject: string) {
  const startedAt = new Map<string, number>();
  const lags: number[] = [];
  let received = 0;
  let waiter: { count: number; resolve: () => void } | undefined;
  const subscription = await bus.subscribe({
    subject,
    durable: subject.replaceAll('.', '-'),
    handler: async (delivery) => {
      received++;
      const at = startedAt.get(delivery.id);
      if (at !== undefined) lags.push(performance.now() - at);
      if (waiter && received >= waiter.count) waiter.resolve();
    },
  });
  return {
    startedAt,
    lags,
    received: () => received,
    /** Resolves when `count` deliveries arrived in total (or rejects after `timeoutMs`). */
    until: (count: number, timeoutMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        if (received >= count) return resolve();
        const timer = setTimeout(() => reject(new Error(`${subject}: ${received}/${count} consumed`)), timeoutMs);
        waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      }),
    stop: () => subscription.stop(),
  };
}

/** Calls `tick(i)` RATE times a second for SECONDS, spread evenly, at most `inFlight` unfinished at once. */
async function paced(tick: (i: number) => Promise<void>, inFlight = 16): Promise<number> {
  const total = RATE * SECONDS;
  const started = performance.now();
  const running = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (running.size >= inFlight) await Promise.race(running);
    const pending = tick(i).finally(() => running.delete(pending));
    running.add(pending);
  }
  await Promise.all(running);
  return total;
}

/**
 * P6: the kit's outbox relay on real PostgreSQL and NATS JetStream (the shared CI servers). Throughput: BACKLOG
 * committed rows drained to JetStream; lag: commits at RATE/s, one event per transaction, commit → consumed p99.
 * Baseline in the same run, same bus adapter and consumer: bare JetStream publishes, one awaited at a time (as the
 * relay publishes) and RATE/s publish → consumed.
 */
async function runBenchmark(): Promise<void> {
  const servers = ciServers();
  await ensureDatabase(servers.POSTGRES_URL!, 'bench_relay');
  const logger = createLogger({ service: 'bench-relay', level: 'warn' });
  const db = new Database(withDatabase(servers.POSTGRES_URL!, 'bench_relay'), { max: 20, logger });
  const bus = await NatsBus.connect(servers.NATS_URL!, { name: 'bench-relay' });
  const relay = new OutboxRelay({ db, bus, logger, pollMs: 1000 });
  try {
    await migrate(db, { service: 'bench_relay', migrations: kitMigrations });
    await db.query('TRUNCATE outbox');
    const subjects = {
      relayed: `${STREAM_DOMAIN}.r${run}.relayed`,
      bare: `${STREAM_DOMAIN}.r${run}.bare`,
      relayedPaced: `${STREAM_DOMAIN}.r${run}.relayedpaced`,
      barePaced: `${STREAM_DOMAIN}.r${run}.barepaced`,
    };
    const consumers = {
      relayed: await consumer(bus, subjects.relayed),
      bare: await consumer(bus, subjects.bare),
      relayedPaced: await consumer(bus, subjects.relayedPaced),
      barePaced: await consumer(bus, subjects.barePaced),
    };

    // Baseline throughput: the same adapter, one publish awaited at a time.
    let started = performance.now();
    for (let i = 0; i < BACKLOG; i++) {
      const message = envelope(subjects.bare);
      await bus.publish({ id: message.id, subject: message.subject, data: Buffer.from(JSON.stringify(message)) });
    }
    const bareRate = BACKLOG / ((performance.now() - started) / 1000);
    // What JetStream takes with 100 publishes in flight (the relay awaits each one): the headroom left.
    started = performance.now();
    await pool(BACKLOG, 100, async () => {
      const message = envelope(subjects.bare);
      await bus.publish({ id: message.id, subject: message.subject, data: Buffer.from(JSON.stringify(message)) });
    });
    const pipelinedRate = BACKLOG / ((performance.now() - started) / 1000);
    await consumers.bare.until(2 * BACKLOG);

    // Relay throughput: a committed backlog, then the relay started (its LISTEN and first poll drain it).
    for (let from = 0; from < BACKLOG; from += 1000) {
      const batch = Array.from({ length: Math.min(1000, BACKLOG - from) }, () => envelope(subjects.relayed));
      await db.tx((tx) => enqueueEnvelopes(tx, batch));
    }
    started = performance.now();
    relay.start();
    await waitForEmptyOutbox(db);
    const relayRate = BACKLOG / ((performance.now() - started) / 1000);
    await consumers.relayed.until(BACKLOG);
    const consumeRate = BACKLOG / ((performance.now() - started) / 1000);

    // Lag at a steady commit rate, through the running relay; then bare publishes at the same rate.
    const relayedPaced = await paced(async () => {
      const message = envelope(subjects.relayedPaced);
      await db.tx((tx) => enqueueEnvelopes(tx, [message]));
      consumers.relayedPaced.startedAt.set(message.id, performance.now());
    });
    await consumers.relayedPaced.until(relayedPaced);
    const barePaced = await paced(async () => {
      const message = envelope(subjects.barePaced);
      consumers.barePaced.startedAt.set(message.id, performance.now());
      await bus.publish({ id: message.id, subject: message.subject, data: Buffer.from(JSON.stringify(message)) });
    });
    await consumers.barePaced.until(barePaced);
    const relayLag = summarize(consumers.relayedPaced.lags);
    const bareLag = summarize(consumers.barePaced.lags);

    const lagRow = (name: string, lag: typeof relayLag) => ({
      measure: name,
      'events/s': RATE,
      'p50 ms': lag.p50,
      'p99 ms': lag.p99,
      'max ms': lag.max,
      count: lag.count,
    });
    reportJudged(
      'relay',
      [
        {
          measure: 'bare JetStream publish, one awaited at a time (baseline)',
          'events/s': bareRate,
          'p50 ms': '',
          'p99 ms': '',
          'max ms': '',
          count: BACKLOG,
        },
        {
          measure: 'bare JetStream publish, 100 in flight',
          'events/s': pipelinedRate,
          'p50 ms': '',
          'p99 ms': '',
          'max ms': '',
          count: BACKLOG,
        },
        {
          measure: `outbox relay: ${BACKLOG} committed rows → JetStream`,
          'events/s': relayRate,
          'p50 ms': '',
          'p99 ms': '',
          'max ms': '',
          count: BACKLOG,
        },
        {
          measure: '… and consumed (one at a time, as services consume)',
          'events/s': consumeRate,
          'p50 ms': '',
          'p99 ms': '',
          'max ms': '',
          count: BACKLOG,
        },
        lagRow('bare publish → consumed at a steady rate (baseline)', bareLag),
        lagRow('commit → relay → consumed at a steady rate', relayLag),
      ],
      {
        events_per_s: relayRate,
        ratio: relayRate / bareRate,
        bare_events_per_s: bareRate,
        pipelined_events_per_s: pipelinedRate,
        lag_p50_ms: relayLag.p50,
        lag_p99_ms: relayLag.p99,
        bare_lag_p99_ms: bareLag.p99,
        lag_rate: RATE,
      },
      [
        { threshold: { metric: 'events_per_s', op: '>=', target: 5000 }, value: relayRate },
        { threshold: { metric: 'lag_p99_ms', op: '<=', target: 100 }, value: relayLag.p99 },
      ],
    );
    for (const c of Object.values(consumers)) await c.stop();
  } finally {
    await relay.stop();
    await deleteBenchStream(bus);
    await bus.close();
    await db.close();
  }
}

async function waitForEmptyOutbox(db: Database, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
    if (rows[0]?.n === '0') return;
    if (Date.now() > deadline) throw new Error(`outbox still holds ${rows[0]?.n} unpublished rows`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The benchmark's own stream is dropped at the end, so runs do not pile up on the shared NATS server. */
async function deleteBenchStream(bus: NatsBus): Promise<void> {
  const { manager } = bus as unknown as { manager: { streams: { delete(name: string): Promise<boolean> } } };
  await manager.streams.delete(STREAM_DOMAIN.toUpperCase()).catch(() => undefined);
}

export const benchmark: Benchmark = {
  name: 'relay',
  id: 'P6',
  description: 'outbox relay: committed events/s to JetStream and commit → consume lag vs bare JetStream publishes',
  run: runBenchmark,
};
