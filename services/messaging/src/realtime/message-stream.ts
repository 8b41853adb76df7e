import type { Logger } from '@diaspora/service-kit';
import type { Message } from '../domain/model.js';
import type { ConversationStore, MessageStore } from '../domain/ports.js';
import type { Views } from '../domain/views.js';

export interface StreamOutput {
  /** Writes a frame; `onWritten` runs once the socket took it. False when the connection is gone. */
  send(frame: string, onWritten?: () => void): boolean;
  /** Resolves when the socket's send buffer drained enough to keep streaming (catch-up pacing). */
  drained(): Promise<void>;
}

interface LiveMessage {
  conversationId: string;
  seq: number;
  senderId: string;
  messageId: string;
  frame: string;
}

const CATCH_UP_BATCH = 200;
const MAX_PENDING = 2000;

/**
 * One device's message stream: every message of its conversations exactly once and, per conversation, in seq
 * order. It keeps the last seq sent per conversation: a live message already sent is dropped, one that skips ahead
 * (another instance's message overtook it on the bus, or it was published before we subscribed) first pulls the
 * gap from PostgreSQL. Seqs commit in order, so a gap is always readable by then.
 *
 * Until the device said where it stands (`resume`), live messages wait; then the catch-up runs first, and what
 * waited follows through the same checks.
 */
export class MessageStream {
  private positions: Map<string, number> | null = null;
  private pending: LiveMessage[] = [];
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly userId: string,
    private readonly deps: {
      conversations: ConversationStore;
      messages: MessageStore;
      views: Views;
      delivered: (conversationId: string, seq: number, messageId: string) => void;
      logger: Logger;
    },
    private readonly out: StreamOutput,
    /** Too much waiting before resume: the connection is dropped as a slow consumer. */
    private readonly overflow: () => void,
  ) {}

  get resumed(): boolean {
    return this.positions !== null;
  }

  receive(message: LiveMessage): void {
    if (this.closed) return;
    if (!this.positions) {
      this.pending.push(message);
      if (this.pending.length > MAX_PENDING) this.overflow();
      return;
    }
    this.enqueue(() => this.deliverLive(message));
  }

  /** Stops following a conversation (left or removed). */
  forget(conversationId: string): void {
    this.enqueue(async () => {
      this.positions?.delete(conversationId);
    });
  }

  close(): void {
    this.closed = true;
    this.pending = [];
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(() => (this.closed ? undefined : task()));
    // One failed step (a database hiccup) must not wedge the stream: log it and go on with the next.
    this.chain = run.catch((error: unknown) => this.deps.logger.warn({ err: error }, 'message stream step failed'));
    return run;
  }

  /**
   * Sets where the device stands and streams what it missed. Per conversation the starting point is the last
   * message the device names there, else what any of the member's devices received (the delivered watermark),
   * never before the member joined. Resolves with how many messages the catch-up sent.
   */
  resume(lastSeen: string[]): Promise<{ sent: number; ignored: string[] }> {
    const positions = new Map<string, number>();
    this.positions = positions; // live messages queue behind the catch-up from now on
    let outcome = { sent: 0, ignored: [] as string[] };
    const result = this.enqueue(async () => {
      const memberships = await this.deps.conversations.memberships(this.userId);
      const last = new Map<string, number>();
      for (const membership of memberships) {
        positions.set(membership.conversationId, Math.max(membership.joinedSeq, membership.lastDeliveredSeq));
        last.set(membership.conversationId, membership.lastSeq);
      }
      const ignored: string[] = [];
      for (const id of new Set(lastSeen)) {
        const seen = await this.deps.messages.findById(id);
        const membership = seen && memberships.find((m) => m.conversationId === seen.conversationId);
        if (!seen || !membership) {
          ignored.push(id);
          continue;
        }
        positions.set(seen.conversationId, Math.max(membership.joinedSeq, seen.seq));
      }
      outcome = { sent: await this.catchUp(positions, last), ignored };
    });
    const waiting = this.pending;
    this.pending = [];
    for (const message of waiting) this.enqueue(() => this.deliverLive(message));
    return result.then(() => outcome);
  }

  private async catchUp(positions: Map<string, number>, last: Map<string, number>): Promise<number> {
    let sent = 0;
    for (;;) {
      const behind = new Map([...positions].filter(([id, seq]) => (last.get(id) ?? 0) > seq));
      if (behind.size === 0) return sent;
      const batch = await this.deps.messages.after(behind, CATCH_UP_BATCH);
      if (batch.length === 0) return sent;
      for (const message of batch) {
        if (message.seq <= (positions.get(message.conversationId) ?? 0)) continue;
        await this.emitStored(message);
        sent++;
      }
      // Messages newer than `last` arrive live, behind this catch-up, and pass the same checks.
      await this.out.drained();
    }
  }

  private async deliverLive(message: LiveMessage): Promise<void> {
    const positions = this.positions!;
    let position = positions.get(message.conversationId);
    if (position === undefined) {
      // A conversation we did not know at resume: the device follows it from when the member joined.
      const member = await this.deps.conversations.member(message.conversationId, this.userId);
      if (!member) return;
      position = member.joinedSeq;
      positions.set(message.conversationId, position);
    }
    if (message.seq <= position) return; // already sent (catch-up, or a gap fill)
    if (message.seq > position + 1) {
      for (const missed of await this.deps.messages.between(message.conversationId, position, message.seq))
        await this.emitStored(missed);
    }
    this.emit(message.conversationId, message.seq, message.senderId, message.messageId, message.frame);
  }

  private async emitStored(message: Message): Promise<void> {
    const status = message.senderId === this.userId ? 'sent' : 'delivered';
    const frame = JSON.stringify({ op: 'message', message: await this.deps.views.message(message, status) });
    this.emit(message.conversationId, message.seq, message.senderId, message.id, frame);
  }

  private emit(conversationId: string, seq: number, senderId: string, messageId: string, frame: string): void {
    this.positions!.set(conversationId, seq);
    const own = senderId === this.userId;
    this.out.send(frame, own ? undefined : () => this.deps.delivered(conversationId, seq, messageId));
  }
}
