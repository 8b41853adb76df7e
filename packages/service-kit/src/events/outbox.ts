import type { EventData, EventDefinition, EventEnvelope } from '@diaspora/events';
import type { PoolClient } from 'pg';
import type { Counter, Gauge } from 'prom-client';
import type { EventBus } from '../bus/types.js';
import type { Database, Queryable } from '../db/database.js';
import type { Migration } from '../db/migrations.js';
import type { Logger } from '../logger.js';
import { PollingWorker } from '../runtime/polling-worker.js';
import { buildEnvelope, encodeEnvelope } from './envelope.js';

const CHANNEL = 'outbox_pending';

/** Tables every service gets: the outbox it publishes from and the ids its consumers have processed. */
export const kitMigrations: Migration[] = [
  {
    id: 'kit_0001_outbox',
    up: `
      CREATE TABLE outbox (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        subject text NOT NULL,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      );
      CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;
      CREATE TABLE processed_events (
        consumer text NOT NULL,
        event_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      );`,
    down: 'DROP TABLE processed_events; DROP TABLE outbox;',
  },
];

/** Writes domain events in the caller's transaction: they exist exactly when the change they describe commits. */
export class Outbox {
  constructor(private readonly source: string) {}

  async enqueue<D extends EventDefinition>(
    tx: Queryable,
    definition: D,
    data: EventData<D>,
    options: { id?: string; occurredAt?: Date } = {},
  ): Promise<EventEnvelope<EventData<D>>> {
    const envelope = buildEnvelope(this.source, definition, data, options);
    await tx.query('INSERT INTO outbox (id, subject, envelope) VALUES ($1, $2, $3)', [
      envelope.id,
      envelope.subject,
      JSON.stringify(envelope),
    ]);
    // Delivered to the relay's LISTEN only if and when this transaction commits.
    await tx.query(`SELECT pg_notify('${CHANNEL}', '')`);
    return envelope;
  }
}

export interface RelayOptions {
  db: Database;
  bus: EventBus;
  logger: Logger;
  pollMs: number;
  batchSize?: number;
  /** Published rows are deleted after this long. */
  retentionMs?: number;
  metrics?: { published: Counter; backlog: Gauge };
}

interface OutboxRow {
  seq: string;
  id: string;
  subject: string;
  envelope: EventEnvelope;
}

/**
 * Moves committed outbox rows to the bus. Rows are claimed with SKIP LOCKED so replicas share the work; each is
 * published with its event id as the dedup key, so a crash between publish and marking re-publishes a duplicate
 * that JetStream (and idempotent consumers) drop. A crash before publishing loses nothing: the row waits.
 * A batch is published concurrently (one acknowledgement round trip per batch, not per row; the messages still
 * leave in order on the one connection). Only the rows before the first failed publish are marked: the failed one
 * and every later one are published again on the next pass, the later ones then dropped as duplicates. So order
 * holds, except that a row whose publish failed alone among others arrives after the later rows.
 */
export class OutboxRelay {
  private readonly worker: PollingWorker;
  private listener: PoolClient | undefined;
  private lastCleanup = 0;

  constructor(private readonly options: RelayOptions) {
    this.worker = new PollingWorker(
      async () => {
        try {
          await this.listen();
          await this.drain();
          await this.cleanup();
        } catch (error) {
          await this.unlisten();
          throw error;
        }
      },
      { name: 'outbox relay', intervalMs: options.pollMs, logger: options.logger },
    );
  }

  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    await this.unlisten();
  }

  /** Publishes everything pending now; returns how many rows were published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < (this.options.batchSize ?? 100)) return total;
    }
  }

  private async listen(): Promise<void> {
    if (this.listener) return;
    const client = await this.options.db.pool.connect();
    try {
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      client.release(true); // a client kept out of the pool would hang its close forever
      throw error;
    }
    client.on('notification', () => this.worker.wake());
    client.on('error', () => void this.unlisten());
    this.listener = client;
  }

  /** Destroying the connection ends the LISTEN too, without a query that a lost connection might never answer. */
  private async unlisten(): Promise<void> {
    const client = this.listener;
    this.listener = undefined;
    client?.release(true);
  }

  private async publishBatch(): Promise<number> {
    const { db, bus, logger, metrics } = this.options;
    return db.tx(async (tx) => {
      const { rows } = await tx.query<OutboxRow & Record<string, unknown>>(
        `SELECT seq, id, subject, envelope FROM outbox WHERE published_at IS NULL
         ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 100],
      );
      const outcomes = await Promise.allSettled(
        rows.map((row) => bus.publish({ id: row.id, subject: row.subject, data: encodeEnvelope(row.envelope) })),
      );
      const failed = outcomes.findIndex((outcome) => outcome.status === 'rejected');
      const published = failed === -1 ? rows : rows.slice(0, failed);
      if (failed !== -1) {
        const row = rows[failed]!;
        const error = (outcomes[failed] as PromiseRejectedResult).reason as Error;
        logger.warn({ err: error, eventId: row.id }, 'outbox publish failed; will retry');
        await tx.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = $1', [
          row.seq,
          String(error?.message).slice(0, 500),
        ]);
      }
      if (published.length) {
        await tx.query('UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])', [
          published.map((row) => row.seq),
        ]);
        // By subject: the business-anomaly alerts watch registrations and payments through these.
        for (const row of published) metrics?.published.inc({ subject: row.subject });
      }
      return published.length;
    });
  }

  private async cleanup(): Promise<void> {
    const { db, metrics } = this.options;
    const now = Date.now();
    if (now - this.lastCleanup < 60_000) return;
    this.lastCleanup = now;
    const retentionSeconds = Math.floor((this.options.retentionMs ?? 7 * 24 * 3600 * 1000) / 1000);
    await db.query(
      `DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1)`,
      [retentionSeconds],
    );
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
    metrics?.backlog.set(Number(rows[0]?.n ?? 0));
  }
}
