import { connect, type NatsConnection } from 'nats';
import { assertRealtimeSubject, type RealtimeBus, type RealtimeHandler, type RealtimeSubscription } from './types.js';

export interface NatsRealtimeOptions {
  name?: string;
  onError?: (error: unknown, subject: string) => void;
}

/**
 * Core NATS subjects (no JetStream): at-most-once, per-publisher ordered, no storage. Subject prefixes used here
 * must not fall under a JetStream stream's `<domain>.>` filter, or the stream would persist them: realtime subjects
 * start with a token no event domain uses (services use `rt.<service>.…`).
 */
export class NatsRealtime implements RealtimeBus {
  readonly kind = 'nats';

  private constructor(
    private readonly connection: NatsConnection,
    private readonly options: NatsRealtimeOptions,
  ) {}

  static async connect(url: string, options: NatsRealtimeOptions = {}): Promise<NatsRealtime> {
    const connection = await connect({
      servers: url.replace(/^nats:\/\//, ''),
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    return new NatsRealtime(connection, options);
  }

  publish(subject: string, data: Uint8Array): void {
    assertRealtimeSubject(subject, { wildcards: false });
    this.connection.publish(subject, data);
  }

  subscribe(subject: string, handler: RealtimeHandler): RealtimeSubscription {
    assertRealtimeSubject(subject, { wildcards: true });
    const subscription = this.connection.subscribe(subject, {
      callback: (error, message) => {
        if (error) {
          this.options.onError?.(error, subject);
          return;
        }
        try {
          handler({ subject: message.subject, data: message.data });
        } catch (handlerError) {
          this.options.onError?.(handlerError, subject);
        }
      },
    });
    return { unsubscribe: () => subscription.unsubscribe() };
  }

  async flush(): Promise<void> {
    await this.connection.flush();
  }

  async ping(): Promise<void> {
    if (this.connection.isClosed()) throw new Error('NATS connection is closed');
    await this.connection.flush();
  }

  async close(): Promise<void> {
    if (!this.connection.isClosed()) await this.connection.drain();
  }
}
