import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ConsumerInfo } from 'nats';
import { ROOT, waitFor } from './platform.js';

// The suite has no package of its own: the kit's pg and nats clients (the ones the services use).
const kitRequire = createRequire(join(ROOT, 'packages/service-kit/package.json'));
const { connect } = kitRequire('nats') as typeof import('nats');
const pg = kitRequire('pg') as typeof import('pg');

const SERVICES = ['user', 'event', 'content', 'messaging', 'notification', 'payment', 'search', 'integration', 'admin'];

/** Where every outbox, stream and durable consumer stood when a test began. */
interface Mark {
  outbox: Record<string, number>;
  streams: Record<string, number>;
  delivered: Record<string, number>;
}

export interface EventFigures {
  published: number;
  /** In JetStream, once each. */
  stored: number;
  /** Acknowledged by every durable consumer of its subject. */
  consumed: number;
  lost: number;
  /** Deliveries made since the mark, and those beyond one per (event, consumer): redeliveries absorbed by dedup. */
  deliveries: number;
  redelivered: number;
  withoutSubscriber: number;
}

/**
 * Domain-event accounting for one test, by event id: every outbox row written since mark() (per service database)
 * must be in JetStream exactly once (the relay publishes with the event id as Nats-Msg-Id, so a re-publish after a
 * crash is dropped), and acknowledged by every durable consumer whose filter is its subject (at or below its ack
 * floor, or delivered with nothing left pending).
 */
export async function openLedger(postgresUrl: string, natsUrl: string) {
  const pools = new Map(
    SERVICES.map((service) => {
      const url = new URL(postgresUrl);
      url.pathname = `/distributed_${service}`;
      const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
      pool.on('error', () => undefined); // PostgreSQL restarted by another test: the pool reconnects
      return [service, pool] as const;
    }),
  );
  const connection = await connect({ servers: natsUrl.replace(/^nats:\/\//, ''), maxReconnectAttempts: -1 });
  const manager = await connection.jetstreamManager();

  const streams = async () => {
    const all: { name: string; lastSeq: number; consumers: ConsumerInfo[] }[] = [];
    for await (const stream of manager.streams.list()) {
      const consumers: ConsumerInfo[] = [];
      for await (const info of manager.consumers.list(stream.config.name)) consumers.push(info);
      all.push({ name: stream.config.name, lastSeq: stream.state.last_seq, consumers });
    }
    return all;
  };
  const outboxes = async (sql: string) =>
    Promise.all(SERVICES.map(async (service) => ({ service, rows: (await pools.get(service)!.query(sql)).rows })));

  /** Nothing left in an outbox, nothing pending for any consumer. */
  const settled = async () => {
    const pending = await outboxes('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
    if (pending.some(({ rows }) => rows[0].n > 0)) return false;
    const all = await streams();
    return all.every((s) => s.consumers.every((c) => c.num_pending === 0 && c.num_ack_pending === 0));
  };

  return {
    async mark(): Promise<Mark> {
      await waitFor('the event backlog to drain before the test', settled, 60_000);
      const outbox: Record<string, number> = {};
      for (const { service, rows } of await outboxes('SELECT coalesce(max(seq), 0)::int AS seq FROM outbox'))
        outbox[service] = rows[0].seq;
      const marks: Mark = { outbox, streams: {}, delivered: {} };
      for (const stream of await streams()) {
        marks.streams[stream.name] = stream.lastSeq;
        for (const c of stream.consumers) marks.delivered[`${stream.name}/${c.name}`] = c.delivered.consumer_seq;
      }
      return marks;
    },

    /** Waits for the platform to deliver everything (up to timeoutMs), then counts. */
    async account(mark: Mark, timeoutMs = 90_000): Promise<EventFigures> {
      await waitFor('every event to be published and consumed', settled, timeoutMs).catch(() => undefined);
      const written = new Map<string, { subject: string; published: boolean }>();
      for (const service of SERVICES) {
        const { rows } = await pools
          .get(service)!
          .query('SELECT id, subject, published_at IS NOT NULL AS published FROM outbox WHERE seq > $1', [
            mark.outbox[service] ?? 0,
          ]);
        for (const row of rows) written.set(row.id, row);
      }
      return tally(written, mark, await streams(), (stream, seq) => manager.streams.getMessage(stream, { seq }));
    },

    /** Which of these ids the service's table holds (the chaos load's read-back of acknowledged creates). */
    async existing(service: string, table: string, ids: string[]): Promise<Set<string>> {
      const { rows } = await pools.get(service)!.query(`SELECT id FROM ${table} WHERE id = ANY($1::text[])`, [ids]);
      return new Set(rows.map((row) => row.id as string));
    },

    async close() {
      await connection.close();
      await Promise.all([...pools.values()].map((pool) => pool.end()));
    },
  };
}
export type Ledger = Awaited<ReturnType<typeof openLedger>>;

async function tally(
  written: Map<string, { subject: string; published: boolean }>,
  mark: Mark,
  streams: { name: string; lastSeq: number; consumers: ConsumerInfo[] }[],
  message: (stream: string, seq: number) => Promise<{ subject: string; header: { get(k: string): string } }>,
): Promise<EventFigures> {
  const stored = new Map<string, number>(); // event id → times stored
  const acked = new Set<string>();
  let expectedDeliveries = 0;
  let deliveries = 0;
  let withoutSubscriber = 0;
  for (const stream of streams) {
    for (const c of stream.consumers)
      deliveries += c.delivered.consumer_seq - (mark.delivered[`${stream.name}/${c.name}`] ?? 0);
    for (let seq = (mark.streams[stream.name] ?? 0) + 1; seq <= stream.lastSeq; seq++) {
      const entry = await message(stream.name, seq).catch(() => undefined);
      const id = entry?.header.get('Nats-Msg-Id');
      if (!entry || !id || !written.has(id)) continue;
      stored.set(id, (stored.get(id) ?? 0) + 1);
      const subscribers = stream.consumers.filter((c) => c.config.filter_subject === entry.subject);
      expectedDeliveries += subscribers.length;
      if (!subscribers.length) withoutSubscriber++;
      const done = subscribers.every(
        (c) => c.ack_floor.stream_seq >= seq || (c.num_ack_pending === 0 && c.delivered.stream_seq >= seq),
      );
      if (done) acked.add(id);
    }
  }
  const published = [...written.values()].filter((e) => e.published).length;
  let lost = 0;
  for (const [id, event] of written) {
    const times = stored.get(id) ?? 0;
    if (!event.published || times !== 1 || !acked.has(id)) {
      lost++;
      console.error(
        `event ${id} (${event.subject}): published ${event.published}, stored ${times}×, consumed ${acked.has(id)}`,
      );
    }
  }
  return {
    published,
    stored: stored.size,
    consumed: acked.size,
    lost,
    deliveries,
    redelivered: Math.max(0, deliveries - expectedDeliveries),
    withoutSubscriber,
  };
}

export function printEvents(title: string, e: EventFigures) {
  console.log(
    `[chaos] ${title}: events published ${e.published}, consumed ${e.consumed}, lost ${e.lost}` +
      ` (in JetStream once each: ${e.stored}; ${e.deliveries} deliveries to durable consumers, ${e.redelivered}` +
      ` redelivered and dropped by the consumers' dedup; ${e.withoutSubscriber} without a subscriber)`,
  );
}
