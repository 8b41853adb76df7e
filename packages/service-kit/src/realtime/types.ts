/** A transient message: whoever is subscribed when it is published gets it, at most once; nothing is stored. */
export interface RealtimeMessage {
  subject: string;
  data: Uint8Array;
}

export type RealtimeHandler = (message: RealtimeMessage) => void;

export interface RealtimeSubscription {
  /** Stops delivery to this handler; messages already handed over are not taken back. */
  unsubscribe(): void;
}

/**
 * The realtime port: core (non-durable) publish/subscribe for live fan-out between instances (chat frames,
 * presence, typing). Unlike the EventBus there is no ack, no redelivery, no history: whatever must survive lives
 * in a database, and this only says "look, something happened now". In-process adapter for all-in-one, core NATS
 * subjects when distributed; both keep per-publisher order on a subject and run one contract test suite.
 */
export interface RealtimeBus {
  readonly kind: 'memory' | 'nats';
  /** Fire and forget. Subjects are dot-separated tokens without wildcards. */
  publish(subject: string, data: Uint8Array): void;
  /** `*` matches one token and a trailing `>` one or more, as in NATS. Handlers run asynchronously, never inside publish. */
  subscribe(subject: string, handler: RealtimeHandler): RealtimeSubscription;
  /**
   * Resolves once the broker has processed every subscribe and publish issued before the call: after it, messages
   * others publish reach the new subscriptions. Call it before reading state a subscription must not miss updates of.
   */
  flush(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const TOKEN = /^[A-Za-z0-9_\-:]+$/;

/** Concrete subjects: tokens of letters, digits, `_`, `-`, `:`; the same rule for every adapter. */
export function assertRealtimeSubject(subject: string, options: { wildcards: boolean }): void {
  const tokens = subject.split('.');
  const valid = tokens.every((token, i) => {
    if (options.wildcards && (token === '*' || (token === '>' && i === tokens.length - 1))) return true;
    return TOKEN.test(token);
  });
  if (!valid || subject.length > 255) throw new Error(`invalid realtime subject: ${JSON.stringify(subject)}`);
}
