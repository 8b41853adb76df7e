import {
  AckPolicy,
  type ConsumerMessages,
  connect,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  headers as natsHeaders,
  type NatsConnection,
  nanos,
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
}

const MSG_ID = 'Nats-Msg-Id';

/**
 * NATS JetStream adapter: one stream per domain (`users.>` → stream USERS), publish with `Nats-Msg-Id` so the
 * server drops duplicates inside the dedup window, durable pull consumers with explicit acks and delayed naks.
 */
export class NatsBus implements EventBus {
  readonly kind = 'nats';
  private readonly streams = new Map<string, Promise<void>>();

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
    await this.ensureStream(domainOf(message.subject));
    const headers = natsHeaders();
    for (const [key, value] of Object.entries(message.headers ?? {})) headers.set(key, value);
    const ack = await this.jetstream.publish(message.subject, message.data, { msgID: message.id, headers });
    return { duplicate: ack.duplicate };
  }

  async subscribe(options: SubscribeOptions): Promise<BusSubscription> {
    const domain = domainOf(options.subject);
    await this.ensureStream(domain);
    const stream = domain.toUpperCase();
    const maxDeliver = options.maxDeliver ?? DEFAULT_MAX_DELIVER;
    const ackWaitMs = options.ackWaitMs ?? 30_000;
    const config = {
      durable_name: options.durable,
      filter_subject: options.subject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ackWaitMs),
      max_deliver: maxDeliver,
    };
    // An existing durable keeps its position; only a missing one is created.
    await this.manager.consumers.info(stream, options.durable).catch(() => this.manager.consumers.add(stream, config));
    const consumer = await this.jetstream.consumers.get(stream, options.durable);
    const messages: ConsumerMessages = await consumer.consume({ max_messages: 64 });
    const loop = (async () => {
      for await (const message of messages) {
        const delivery: Delivery = {
          id: message.headers?.get(MSG_ID) || `${stream}:${message.seq}`,
          subject: message.subject,
          data: message.data,
          headers: Object.fromEntries(
            (message.headers?.keys() ?? []).filter((key) => key !== MSG_ID).map((key) => [key, message.headers!.get(key)]),
          ),
          deliveryCount: message.info.deliveryCount,
        };
        // Long handlers keep the message theirs instead of letting ack_wait expire into a duplicate delivery.
        const keepAlive = setInterval(() => message.working(), Math.max(1000, ackWaitMs / 2));
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
    })();
    return {
      stop: async () => {
        await messages.close();
        await loop;
      },
    };
  }

  async ping(): Promise<void> {
    if (this.connection.isClosed()) throw new Error('NATS connection is closed');
    await this.connection.flush();
  }

  async close(): Promise<void> {
    if (!this.connection.isClosed()) await this.connection.drain();
  }
}
