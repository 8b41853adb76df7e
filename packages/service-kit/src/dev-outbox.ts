import { randomUUID } from 'node:crypto';

/** A message a local provider adapter "sent": kept for people and tests to read instead of delivering it. */
export interface DevMessage {
  id: string;
  channel: 'email' | 'sms' | 'push';
  /** The service that sent it. */
  service: string;
  to: string;
  subject?: string;
  text: string;
  at: string;
}

const CAPACITY = 500;

/**
 * Process-wide capture of what local mail/SMS adapters send (all-in-one mode and tests). The gateway serves it at
 * `GET /dev/outbox` when enabled by config; nothing here ever leaves the process.
 */
export class DevOutbox {
  private readonly messages: DevMessage[] = [];

  record(message: Omit<DevMessage, 'id' | 'at'>): DevMessage {
    const entry = { id: randomUUID(), at: new Date().toISOString(), ...message };
    this.messages.push(entry);
    // A bounded ring: a long-running dev platform must not grow without limit.
    if (this.messages.length > CAPACITY) this.messages.splice(0, this.messages.length - CAPACITY);
    return entry;
  }

  /** Newest first, optionally only those to one address/number or on one channel. */
  list(filter: { to?: string; channel?: DevMessage['channel']; limit?: number } = {}): DevMessage[] {
    const to = filter.to?.toLowerCase();
    return this.messages
      .filter(
        (message) =>
          (!to || message.to.toLowerCase() === to) && (!filter.channel || message.channel === filter.channel),
      )
      .reverse()
      .slice(0, filter.limit ?? CAPACITY);
  }

  clear(): void {
    this.messages.length = 0;
  }
}

// One per process even if the kit were loaded twice (two copies of the module must not split the outbox).
const KEY = Symbol.for('diaspora.devOutbox');
const holder = globalThis as unknown as Record<symbol, DevOutbox | undefined>;
holder[KEY] ??= new DevOutbox();

export const devOutbox: DevOutbox = holder[KEY];
