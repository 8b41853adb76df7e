import { defineEvent, type EventEnvelope } from '@diaspora/events';
import { createLogger } from '@diaspora/service-kit';
import { freshDatabase, postgresTargets } from '@diaspora/testing';
import type { PoolClient } from 'pg';
import { Type } from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/bus/memory.js';
import type { BusMessage } from '../../src/bus/types.js';
import { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrations.js';
import { deliveryHandler, idempotentConsumer } from '../../src/events/consumer.js';
import { decodeEnvelope } from '../../src/events/envelope.js';
import { kitMigrations, Outbox, OutboxRelay } from '../../src/events/outbox.js';

const Greeted = defineEvent({
  subject: 'tests.greeting.sent',
  version: 1,
  description: 'test event',
  schema: Type.Object({ to: Type.String() }),
});
const logger = createLogger({ service: 'test', level: 'silent' });

/** A bus that records what it accepted (duplicates included) and can be down, or refuse just the next publish. */
class RecordingBus extends MemoryBus {
  published: BusMessage[] = [];
  down = false;
  failNext = false;
  override async publish(message: BusMessage) {
    if (this.down || this.failNext) {
      this.failNext = false;
      throw new Error('broker down');
    }
    this.published.push(message);
    return super.publish(message);
  }
}

for (const target of postgresTargets()) {
  describe(`outbox on ${target.name} PostgreSQL`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const close of cleanup.splice(0).reverse()) await close();
    });

    async function setup() {
      const db = new Database(await freshDatabase(target.adminUrl));
      await migrate(db, { service: 'test', migrations: kitMigrations });
      const bus = new RecordingBus();
      const relay = new OutboxRelay({ db, bus, logger, pollMs: 20 });
      cleanup.push(
        () => db.close(),
        () => bus.close(),
        () => relay.stop(),
      );
      return { db, bus, relay, outbox: new Outbox('test') };
    }

    it('publishes only what committed, with the event id as dedup key', async () => {
      const { db, bus, relay, outbox } = await setup();
      await db.tx((tx) => outbox.enqueue(tx, Greeted, { to: 'committed' }));
      await db
        .tx(async (tx) => {
          await outbox.enqueue(tx, Greeted, { to: 'rolled back' });
          throw new Error('abort');
        })
        .catch(() => undefined);
      expect(await relay.drain()).toBe(1);
      expect(bus.published).toHaveLength(1);
      const envelope = decodeEnvelope(bus.published[0]!.data) as EventEnvelope<{ to: string }>;
      expect(envelope).toMatchObject({
        subject: 'tests.greeting.sent',
        v: 1,
        source: 'test',
        data: { to: 'committed' },
      });
      expect(bus.published[0]!.id).toBe(envelope.id);
      expect(await relay.drain()).toBe(0);
    });

    it('refuses a payload that does not match the event schema before writing anything', async () => {
      const { db, outbox } = await setup();
      await expect(db.tx((tx) => outbox.enqueue(tx, Greeted, { to: 42 } as never))).rejects.toThrow(
        /payload is invalid/,
      );
      expect((await db.query('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n).toBe(0);
    });

    it('keeps rows when the broker is down and publishes them, in order, once it is back', async () => {
      const { db, bus, relay, outbox } = await setup();
      for (const to of ['a', 'b', 'c']) await db.tx((tx) => outbox.enqueue(tx, Greeted, { to }));
      bus.down = true;
      expect(await relay.drain()).toBe(0);
      const { rows } = await db.query('SELECT attempts, last_error FROM outbox ORDER BY seq LIMIT 1');
      expect(rows[0]).toMatchObject({ attempts: 1, last_error: 'broker down' });
      bus.down = false;
      expect(await relay.drain()).toBe(3);
      expect(bus.published.map((m) => (decodeEnvelope(m.data).data as { to: string }).to)).toEqual(['a', 'b', 'c']);
    });

    it('publishes a batch at once; a publish failing alone is retried and the later rows are not lost', async () => {
      const { db, bus, relay, outbox } = await setup();
      for (const to of ['a', 'b', 'c']) await db.tx((tx) => outbox.enqueue(tx, Greeted, { to }));
      bus.failNext = true; // 'a' fails, 'b' and 'c' reach the broker
      expect(await relay.drain()).toBe(0); // nothing after the failure is marked
      expect(await relay.drain()).toBe(3);
      const pending = await db.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
      expect(pending.rows[0]!.n).toBe(0);
      // The broker got b and c twice: its dedup window (Nats-Msg-Id = event id) keeps one of each.
      expect(new Set(bus.published.map((m) => m.id)).size).toBe(3);
      expect(bus.published).toHaveLength(5);
    });

    it('wakes on commit through LISTEN/NOTIFY rather than waiting for the next poll', async () => {
      const { db, bus, outbox } = await setup();
      const relay = new OutboxRelay({ db, bus, logger, pollMs: 60_000 });
      cleanup.push(() => relay.stop());
      relay.start();
      await new Promise((resolve) => setTimeout(resolve, 200)); // first pass done, now listening
      await db.tx((tx) => outbox.enqueue(tx, Greeted, { to: 'now' }));
      const deadline = Date.now() + 3000;
      while (bus.published.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(bus.published).toHaveLength(1);
    });

    it('gives its listening connection back when LISTEN fails, so the pool can still close', async () => {
      const { db, bus } = await setup();
      const connect = db.pool.connect.bind(db.pool) as () => Promise<PoolClient>;
      db.pool.connect = (async () => {
        const client = await connect();
        const query = client.query.bind(client) as (text: string) => Promise<unknown>;
        Object.assign(client, {
          query: (text: string, ...rest: unknown[]) =>
            text.startsWith('LISTEN') ? Promise.reject(new Error('connection lost')) : query(text, ...(rest as [])),
        });
        return client;
      }) as typeof db.pool.connect;
      const relay = new OutboxRelay({ db, bus, logger, pollMs: 20 });
      relay.start();
      await new Promise((resolve) => setTimeout(resolve, 200)); // several failed passes
      await relay.stop();
      expect(db.pool.totalCount - db.pool.idleCount).toBe(0); // nothing left checked out
    });

    it('lets two relays share the outbox without publishing a row twice', async () => {
      const { db, bus, outbox } = await setup();
      for (let i = 0; i < 50; i++) await db.tx((tx) => outbox.enqueue(tx, Greeted, { to: `n${i}` }));
      const relays = [1, 2].map(() => new OutboxRelay({ db, bus, logger, pollMs: 20, batchSize: 5 }));
      const counts = await Promise.all(relays.map((relay) => relay.drain()));
      expect(counts[0]! + counts[1]!).toBe(50);
      expect(new Set(bus.published.map((m) => m.id)).size).toBe(50);
    });

    it('idempotent consumers apply an event once, however often it is delivered', async () => {
      const { db, bus, relay, outbox } = await setup();
      await db.query('CREATE TABLE greetings (name text)');
      const consumer = idempotentConsumer(db, 'greeter', Greeted, async (tx, data) => {
        await tx.query('INSERT INTO greetings (name) VALUES ($1)', [data.to]);
      });
      const envelope = await db.tx((tx) => outbox.enqueue(tx, Greeted, { to: 'once' }));
      await relay.drain();
      const handle = deliveryHandler(consumer, logger);
      const delivery = {
        id: envelope.id,
        subject: envelope.subject,
        data: bus.published[0]!.data,
        headers: {},
        deliveryCount: 1,
      };
      await handle(delivery);
      await handle({ ...delivery, deliveryCount: 2 });
      // A relay that crashed after publishing but before marking republishes: the bus drops it by id.
      expect(await bus.publish(bus.published[0]!)).toEqual({ duplicate: true });
      expect((await db.query('SELECT count(*)::int AS n FROM greetings')).rows[0]!.n).toBe(1);
    });

    it('drops (and does not retry) events whose payload fails the consumer schema', async () => {
      const { db } = await setup();
      let handled = 0;
      const consumer = idempotentConsumer(db, 'strict', Greeted, async () => {
        handled++;
      });
      const bad = {
        id: 'evt_bad',
        subject: Greeted.subject,
        v: 1,
        occurredAt: new Date().toISOString(),
        source: 'x',
        data: { to: 1 },
      };
      await deliveryHandler(
        consumer,
        logger,
      )({
        id: bad.id,
        subject: bad.subject,
        data: new TextEncoder().encode(JSON.stringify(bad)),
        headers: {},
        deliveryCount: 1,
      });
      expect(handled).toBe(0);
    });
  });
}
