import type { Logger } from '@diaspora/service-kit';

export interface Delivered {
  conversationId: string;
  userId: string;
  seq: number;
  messageId: string;
}

/**
 * Collects "this device got message n" signals and moves the delivered watermarks in batches: one UPDATE per
 * tick for every (conversation, member) that received something, however many messages arrived; never backwards.
 */
export class DeliveryTracker {
  private pending = new Map<string, Delivered>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly mark: (entries: Delivered[]) => Promise<void>,
    private readonly logger: Logger,
    private readonly intervalMs = 50,
  ) {}

  delivered(conversationId: string, userId: string, seq: number, messageId: string): void {
    const key = `${conversationId}\t${userId}`;
    const current = this.pending.get(key);
    if (current && current.seq >= seq) return;
    this.pending.set(key, { conversationId, userId, seq, messageId });
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  /** Writes what is pending now; resolves when written (used on shutdown and by tests). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() =>
      // One statement for the whole batch. If it fails, the next delivery in each conversation moves it anyway.
      this.mark(batch).catch((error: unknown) => {
        this.logger.warn({ err: error, entries: batch.length }, 'delivered watermarks not saved');
      }),
    );
    return this.flushing;
  }
}
