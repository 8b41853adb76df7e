import type { EventEnvelope } from '@diaspora/events';
import { type Database, enqueueEnvelopes, type Logger } from '@diaspora/service-kit';
import type { Collection, Db, Document } from 'mongodb';

/**
 * The transactional outbox for documents. MongoDB without a replica set (and FerretDB, DocumentDB elastic) has no
 * multi-document transactions, so a write stores the events it produces inside the document it changes, in the
 * same single-document update (`_outbox`, with `_pending: true`). This forwarder moves them to the service's
 * PostgreSQL outbox (ids deduplicated, so a crash between the two steps re-forwards harmlessly), from where the
 * kit's relay publishes them. A write nudges it; a periodic pass picks up what a crashed process left behind.
 */
export class MongoOutboxForwarder {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly mongo: Db,
    private readonly pg: Database,
    private readonly collections: string[],
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** A write just stored events: forward them soon. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'forwarding document events failed; will retry'))
        .finally(() => {
          this.running = undefined;
          if (this.stopped) return;
          const soon = this.again;
          this.again = false;
          this.schedule(soon ? 0 : this.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Forwards every pending event now; returns how many were forwarded. */
  async drain(): Promise<number> {
    let total = 0;
    for (const name of this.collections) total += await this.drainCollection(this.mongo.collection(name));
    return total;
  }

  private async drainCollection(collection: Collection<Document>): Promise<number> {
    let total = 0;
    for (;;) {
      const documents = await collection
        .find({ _pending: true }, { projection: { _outbox: 1 } })
        .limit(100)
        .toArray();
      if (documents.length === 0) return total;
      for (const document of documents) {
        const envelopes = (document._outbox as EventEnvelope[] | undefined) ?? [];
        if (envelopes.length) await this.pg.tx((tx) => enqueueEnvelopes(tx, envelopes));
        const ids = envelopes.map((envelope) => envelope.id);
        // Exact values, as read: FerretDB's $pull does not take conditions.
        if (ids.length)
          await collection.updateOne({ _id: document._id }, { $pullAll: { _outbox: envelopes } } as never);
        // Events pushed meanwhile keep the flag; an emptied outbox drops it.
        await collection.updateOne({ _id: document._id, _outbox: { $size: 0 } }, { $unset: { _pending: '' } });
        await collection.updateOne({ _id: document._id, _outbox: { $exists: false } }, { $unset: { _pending: '' } });
        total += ids.length;
      }
    }
  }
}

/** Adds to `update` the operators that store `events` inside the document being written. */
export function withEvents(update: Document, events: readonly EventEnvelope[]): Document {
  if (events.length === 0) return update;
  return {
    ...update,
    $set: { ...(update.$set as Document | undefined), _pending: true },
    $push: { ...(update.$push as Document | undefined), _outbox: { $each: [...events] } },
  };
}

/** Fields of a new document that carry `events`. */
export function eventFields(events: readonly EventEnvelope[]): Document {
  return events.length ? { _outbox: [...events], _pending: true } : {};
}
