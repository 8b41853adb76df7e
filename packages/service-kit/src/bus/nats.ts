import {
  AckPolicy,
  type ConsumerMessages,
  connect,
  DeliverPolicy,
  ErrorCode,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  nanos,
  headers as natsHeaders,
  RetentionPolicy,
  StorageType,
} from 'nats';
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
} from './types.js';

export interface NatsBusOptions {
  name?: string;
  /** How long a stream keeps messages for consumers that are behind or not yet created. */
  streamMaxAgeMs?: number;
  onDeadLetter?: (delivery: Delivery, error: unknown) => void;
  /** A subscription that died (stream deleted, protocol error): it takes no more messages. */
  onError?: (error: unknown, subscription: { subject: string; durable: string }) => void;
}

const MSG_ID = 'Nats-Msg-Id';
/** Tries of a JetStream setup request that timed out (pauses 0.5, 1, 2, 4 s between them). */
const SETUP_ATTEMPTS = 5;

/**
 * NATS JetStream adapter: one stream per domain (`users.>` → stream USERS), publish with `Nats-Msg-Id` so the
 * server drops duplicates inside the dedup window, durable pull consumers with explicit acks and delayed naks.
 */
export class NatsBus implements EventBus {
  readonly kind = 'nats';
  private readonly streams = new Map<string, Promise<void>>();
  private readonly subscriptions = new Set<BusSubscription>();
  private closing = false;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly manager: JetStreamManager,
    private readonly jetstream: JetStreamClient,
    private readonly options: NatsBusOptions,
  ) {}

  static async connect(url: string, options: NatsBusOptions = {}): Promise<NatsBus> {
    const connection = await connect({
      servers: url.replace(/^nats:\/\//, ''),
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    const manager = await connection.jetstreamManager();
    return new NatsBus(connection, manager, connection.jetstream(), options);
  }

  private ensureStream(domain: string): Promise<void> {
    let ready = this.streams.get(domain);
    if (!ready) {
      const name = domain.toUpperCase();
      const config = {
        name,
        subjects: [`${domain}.>`],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        duplicate_window: nanos(DEDUP_WINDOW_MS),
        max_age: nanos(this.options.streamMaxAgeMs ?? 7 * 24 * 3600 * 1000),
      };
      ready = this.manager.streams.info(name).then(
        () => undefined,
        async () => {
          await this.manager.streams.add(config).catch(async (error: Error) => {
            // Another process created it between our lookup and add.
            if (!/already in use/i.test(error.message)) throw error;
          });
        },
      );
      ready.catch(() => this.streams.delete(domain));
      this.streams.set(domain, ready);
    }
    return ready;
  }

  async publish(message: BusMessage): Promise<PublishResult> {
    if (this.closing) throw new Error('bus is closed');
    await this.ensureStream(domainOf(message.subject));
    const headers = natsHeaders();
    for (const [key, value] of Object.entries(message.headers ?? {})) headers.set(key, value);
    const ack = await this.jetstream.publish(message.subject, message.data, { msgID: message.id, headers });
    return { duplicate: ack.duplicate };
  }

  async subscribe(options: SubscribeOptions): Promise<BusSubscription> {
    if (this.closing) throw new Error('bus is closed');
    const domain = domainOf(options.subject);
    await this.settingUp(() => this.ensureStream(domain));
    const stream = domain.toUpperCase();
    const maxDeliver = options.maxDeliver ?? DEFAULT_MAX_DELIVER;
    const ackWaitMs = options.ackWaitMs ?? 30_000;
    await this.settingUp(() => this.ensureConsumer(stream, options, maxDeliver, ackWaitMs));
    const consumer = await this.settingUp(() => this.jetstream.consumers.get(stream, options.durable));
    // One message at a time: the next pull leaves only when the handler returned (the iterator sends it), so no
    // message waits in a client buffer while its ack_wait runs out, the other subscribers of the durable get the
    // work meanwhile, and stop() leaves nothing stranded in this process.
    const messages: ConsumerMessages = await consumer.consume({ max_messages: 1 });
    let stopping = false;
    const loop = (async () => {
      for await (const message of messages) {
        if (stopping) {
          message.nak(); // arrived after stop(): straight back to the durable (rare, e.g. a heartbeat re-pull)
          continue;
        }
        const delivery: Delivery = {
          id: message.headers?.get(MSG_ID) || `${stream}:${message.seq}`,
          subject: message.subject,
          data: message.data,
          headers: Object.fromEntries(
            (message.headers?.keys() ?? [])
              .filter((key) => key !== MSG_ID)
              .map((key) => [key, message.headers!.get(key)]),
          ),
          deliveryCount: message.info.deliveryCount,
        };
        // Long handlers keep the message theirs instead of letting ack_wait expire into a duplicate delivery.
        const keepAlive = setInterval(() => message.working(), Math.max(50, Math.floor(ackWaitMs / 3)));
        try {
          await options.handler(delivery);
          message.ack();
        } catch (error) {
          if (delivery.deliveryCount >= maxDeliver) {
            message.term('max deliveries reached');
            this.options.onDeadLetter?.(delivery, error);
          } else {
            message.nak(retryDelay(options, delivery.deliveryCount));
          }
        } finally {
          clearInterval(keepAlive);
        }
      }
    })().catch((error: unknown) => {
      this.options.onError?.(error, { subject: options.subject, durable: options.durable });
    });
    const subscription: BusSubscription = {
      stop: async () => {
        stopping = true;
        this.subscriptions.delete(subscription);
        // Resolves once the iterator reached the stop marker, i.e. after the in-flight handler.
        await messages.close();
        await loop;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * JetStream's management requests time out when the server or the machine is saturated (a service starting
   * during a rolling restart): setting up a subscription retries them, with growing pauses, instead of ending the
   * service's start with an error.
   */
  private async settingUp<T>(step: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (error) {
        if (attempt >= SETUP_ATTEMPTS || this.closing || (error as { code?: string }).code !== ErrorCode.Timeout)
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
  }

  /** Creates the durable, or aligns an existing one with this subscriber's limits (its position is kept). */
  private async ensureConsumer(
    stream: string,
    options: SubscribeOptions,
    maxDeliver: number,
    ackWaitMs: number,
  ): Promise<void> {
    const { durable, subject } = options;
    const existing = await this.manager.consumers.info(stream, durable).catch((error: Error) => {
      if (/consumer not found/i.test(error.message)) return undefined;
      throw error;
    });
    if (!existing) {
      await this.manager.consumers.add(stream, {
        durable_name: durable,
        filter_subject: subject,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(ackWaitMs),
        max_deliver: maxDeliver,
      });
      return;
    }
    if (existing.config.filter_subject !== subject) {
      throw new Error(`durable "${durable}" already filters "${existing.config.filter_subject}", not "${subject}"`);
    }
    // Otherwise the server would stop redelivering at the old max_deliver, before our dead-letter callback runs.
    if (existing.config.max_deliver !== maxDeliver || existing.config.ack_wait !== nanos(ackWaitMs)) {
      await this.manager.consumers.update(stream, durable, { max_deliver: maxDeliver, ack_wait: nanos(ackWaitMs) });
    }
  }

  async ping(): Promise<void> {
    if (this.closing || this.connection.isClosed()) throw new Error('NATS connection is closed');
    await this.connection.flush();
  }

  /** Stops the subscriptions first (their in-flight handlers finish and ack), then drains the connection. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    if (!this.connection.isClosed()) await this.connection.drain();
  }
}
