/** A message to publish. `id` is the deduplication key (JetStream `Nats-Msg-Id`). */
export interface BusMessage {
  id: string;
  subject: string;
  data: Uint8Array;
  headers?: Record<string, string>;
}

/** A message handed to a consumer. Returning normally acks it; throwing asks for a delayed redelivery. */
export interface Delivery {
  id: string;
  subject: string;
  data: Uint8Array;
  headers: Record<string, string>;
  /** 1 on first delivery, incremented on each redelivery. */
  deliveryCount: number;
}

export type DeliveryHandler = (delivery: Delivery) => Promise<void>;

export interface SubscribeOptions {
  /** Subject filter within one domain (`users.user.registered`, `users.>`); NATS wildcards allowed after the first token. */
  subject: string;
  /** Durable consumer name: subscribers sharing it split the work; a restarted one resumes where it stopped. */
  durable: string;
  handler: DeliveryHandler;
  /** Deliveries before a failing message is given up (dead-lettered to the log). */
  maxDeliver?: number;
  /** Delay before each redelivery; the last value repeats. */
  retryDelaysMs?: number[];
  /** How long the broker waits for an ack before redelivering (JetStream). */
  ackWaitMs?: number;
}

export interface BusSubscription {
  /** Stops taking new messages and waits for the one in flight. */
  stop(): Promise<void>;
}

export interface PublishResult {
  duplicate: boolean;
}

/** The event bus port: an in-process adapter and a NATS JetStream adapter share this contract and its tests. */
export interface EventBus {
  readonly kind: 'memory' | 'nats';
  publish(message: BusMessage): Promise<PublishResult>;
  subscribe(options: SubscribeOptions): Promise<BusSubscription>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_DELIVER = 5;
export const DEFAULT_RETRY_DELAYS_MS = [1000, 5000, 30_000];
export const DEDUP_WINDOW_MS = 120_000;

export function retryDelay(options: SubscribeOptions, deliveryCount: number): number {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  return delays[Math.min(deliveryCount - 1, delays.length - 1)] ?? 1000;
}

/** NATS subject matching: `*` matches one token, a trailing `>` one or more. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}

/** The domain (first token) decides the JetStream stream; wildcards there would span streams. */
export function domainOf(subject: string): string {
  const domain = subject.split('.')[0] ?? '';
  if (!/^[a-z][a-z0-9_]*$/.test(domain))
    throw new Error(`subject "${subject}" must start with a concrete domain token`);
  return domain;
}
