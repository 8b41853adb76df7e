import { subjectMatches } from '../bus/types.js';
import {
  assertRealtimeSubject,
  type RealtimeBus,
  type RealtimeHandler,
  type RealtimeMessage,
  type RealtimeSubscription,
} from './types.js';

export interface MemoryRealtimeOptions {
  /** A handler threw: logged by the owner, the other handlers still get the message. */
  onError?: (error: unknown, subject: string) => void;
}

/**
 * In-process realtime bus. Exact subjects are a map lookup (the per-user fan-out case); wildcard subscriptions are
 * matched one by one. Delivery is deferred to a microtask so that, as with NATS, a publisher never runs handlers.
 */
export class MemoryRealtime implements RealtimeBus {
  readonly kind = 'memory';
  private readonly exact = new Map<string, Set<RealtimeHandler>>();
  private readonly patterns = new Map<RealtimeHandler, string>();
  private closed = false;

  constructor(private readonly options: MemoryRealtimeOptions = {}) {}

  publish(subject: string, data: Uint8Array): void {
    if (this.closed) throw new Error('realtime bus is closed');
    assertRealtimeSubject(subject, { wildcards: false });
    const targets = [...(this.exact.get(subject) ?? [])];
    for (const [handler, pattern] of this.patterns) if (subjectMatches(pattern, subject)) targets.push(handler);
    if (targets.length === 0) return;
    const message: RealtimeMessage = { subject, data };
    queueMicrotask(() => {
      for (const handler of targets) {
        try {
          handler(message);
        } catch (error) {
          this.options.onError?.(error, subject);
        }
      }
    });
  }

  subscribe(subject: string, handler: RealtimeHandler): RealtimeSubscription {
    if (this.closed) throw new Error('realtime bus is closed');
    assertRealtimeSubject(subject, { wildcards: true });
    // A handler object per subscription, so one function subscribed twice is two subscriptions.
    const own: RealtimeHandler = (message) => handler(message);
    if (subject.includes('*') || subject.includes('>')) {
      this.patterns.set(own, subject);
      return { unsubscribe: () => void this.patterns.delete(own) };
    }
    let handlers = this.exact.get(subject);
    if (!handlers) {
      handlers = new Set();
      this.exact.set(subject, handlers);
    }
    handlers.add(own);
    return {
      unsubscribe: () => {
        const current = this.exact.get(subject);
        if (!current?.delete(own)) return;
        if (current.size === 0) this.exact.delete(subject);
      },
    };
  }

  async flush(): Promise<void> {
    // Deliveries already queued run before this resolves (microtasks run in order).
    await Promise.resolve();
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('realtime bus is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.exact.clear();
    this.patterns.clear();
  }
}
