import {
  type BusMessage,
  type BusSubscription,
  DEDUP_WINDOW_MS,
  DEFAULT_MAX_DELIVER,
  type Delivery,
  domainOf,
  type EventBus,
  type PublishResult,
  retryDelay,
  type SubscribeOptions,
  subjectMatches,
} from './types.js';

interface Pending {
  message: BusMessage;
  deliveryCount: number;
}

export interface MemoryBusOptions {
  /** Messages kept for durables created later (JetStream keeps them per stream limits). */
  retain?: number;
  dedupWindowMs?: number;
  onDeadLetter?: (delivery: Delivery, error: unknown) => void;
}

/** A durable consumer: one queue shared by all its subscribers, surviving their restarts. */
class Durable {
  readonly queue: Pending[] = [];
  readonly wakers = new Set<() => void>();

  constructor(readonly filter: string) {}

  push(pending: Pending): void {
    this.queue.push(pending);
    for (const wake of this.wakers) wake();
  }
}

/**
 * In-process bus with JetStream's semantics where they matter to consumers: durable consumers with shared work,
 * at-least-once delivery, explicit ack by returning, delayed redelivery on failure up to `maxDeliver`,
 * and publish deduplication by message id within a window.
 */
export class MemoryBus implements EventBus {
  readonly kind = 'memory';
  private readonly log: BusMessage[] = [];
  private readonly seen = new Map<string, number>();
  private readonly durables = new Map<string, Durable>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly loops = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: MemoryBusOptions = {}) {}

  async publish(message: BusMessage): Promise<PublishResult> {
    if (this.closed) throw new Error('bus is closed');
    domainOf(message.subject); // same subject rules as JetStream, so what works in memory works in production
    const now = Date.now();
    const window = this.options.dedupWindowMs ?? DEDUP_WINDOW_MS;
    for (const [id, at] of this.seen) {
      if (now - at < window) break; // insertion order = time order
      this.seen.delete(id);
    }
    if (this.seen.has(message.id)) return { duplicate: true };
    this.seen.set(message.id, now);
    this.log.push(message);
    if (this.log.length > (this.options.retain ?? 10_000)) this.log.shift();
    for (const durable of this.durables.values()) {
      if (subjectMatches(durable.filter, message.subject)) durable.push({ message, deliveryCount: 1 });
    }
    return { duplicate: false };
  }

  async subscribe(options: SubscribeOptions): Promise<BusSubscription> {
    if (this.closed) throw new Error('bus is closed');
    domainOf(options.subject);
    let durable = this.durables.get(options.durable);
    if (!durable) {
      durable = new Durable(options.subject);
      this.durables.set(options.durable, durable);
      // Like a new JetStream consumer with DeliverPolicy.All: it sees what the stream still retains.
      for (const message of this.log) {
        if (subjectMatches(options.subject, message.subject)) durable.queue.push({ message, deliveryCount: 1 });
      }
    } else if (durable.filter !== options.subject) {
      throw new Error(`durable "${options.durable}" already filters "${durable.filter}", not "${options.subject}"`);
    }
    return this.work(durable, options);
  }

  private work(durable: Durable, options: SubscribeOptions): BusSubscription {
    let running = true;
    let wake: (() => void) | undefined;
    const waker = () => wake?.();
    durable.wakers.add(waker);
    const loop = (async () => {
      while (running && !this.closed) {
        const pending = durable.queue.shift();
        if (!pending) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
          continue;
        }
        await this.deliver(durable, pending, options);
      }
    })();
    this.loops.add(loop);
    const forget = () => this.loops.delete(loop);
    loop.then(forget, forget);
    return {
      stop: async () => {
        running = false;
        durable.wakers.delete(waker);
        wake?.();
        await loop;
      },
    };
  }

  private async deliver(durable: Durable, pending: Pending, options: SubscribeOptions): Promise<void> {
    const { message, deliveryCount } = pending;
    const delivery: Delivery = {
      id: message.id,
      subject: message.subject,
      data: message.data,
      headers: { ...message.headers },
      deliveryCount,
    };
    try {
      await options.handler(delivery);
    } catch (error) {
      if (deliveryCount >= (options.maxDeliver ?? DEFAULT_MAX_DELIVER)) {
        this.options.onDeadLetter?.(delivery, error);
        return;
      }
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          if (!this.closed) durable.push({ message, deliveryCount: deliveryCount + 1 });
        },
        retryDelay(options, deliveryCount),
      );
      timer.unref();
      this.timers.add(timer);
    }
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
  }

  /** Ends every subscription, waiting for in-flight handlers as NATS does for their acks. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const durable of this.durables.values()) for (const wake of durable.wakers) wake();
    await Promise.all(this.loops);
  }
}
