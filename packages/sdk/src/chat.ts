import {
  type ChatMessage,
  CLOSE_TOKEN_EXPIRED,
  type ClientFrame,
  type OutgoingMessage,
  type ServerFrame,
  type ServerFrames,
  type ServerOp,
} from './chat-frames.js';

/** The part of the WebSocket API the client uses: browsers' and Node 22's global, or `ws` on Node 20. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type SocketConstructor = new (url: string) => SocketLike;

export interface ChatClientOptions {
  /** The gateway, e.g. http://localhost:8000 (ws:// or wss:// is derived). */
  baseUrl: string;
  /** The current access token (read at every connection). */
  token: () => string | undefined;
  /** A fresh access token when the current one is about to expire or was refused; undefined when signed out. */
  refreshToken?: () => Promise<string | undefined>;
  /** Defaults to the global WebSocket (browsers, Node ≥ 22); on Node 20 pass `WebSocket` from `ws`. */
  WebSocket?: SocketConstructor;
  /** Reconnect delays: doubling from `initialMs` up to `maxMs`, with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
}

export class ChatError extends Error {
  constructor(readonly frame: ServerFrames['error']) {
    super(`${frame.code}: ${frame.message}`);
  }
}

interface Pending {
  frame: ClientFrame & { ref: string };
  resolve: (answer: ServerFrames['ack']) => void;
  reject: (error: Error) => void;
}

type Listener<O extends ServerOp> = (frame: ServerFrame<O>) => void;

/**
 * The chat socket written once: typed frames, `send`/`read` answered by their ack, and a connection that comes back
 * by itself (doubling delays with jitter) and catches up: it resumes from the last message it saw in each
 * conversation, so the service sends exactly what was missed, and sends that were not acknowledged are sent again
 * with the same clientMessageId (the service stores them once).
 */
export class ChatClient {
  private socket: SocketLike | undefined;
  private readonly listeners = new Map<ServerOp, Set<Listener<never>>>();
  /** Sent frames waiting for their ack, resent after a reconnect. */
  private readonly pending = new Map<string, Pending>();
  /** The newest message seen per conversation: where the next resume starts. */
  private readonly lastSeen = new Map<string, { id: string; seq: number }>();
  private nextRef = 0;
  private attempt = 0;
  private stopped = false;
  private synced = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private waitingForSync: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private readonly Socket: SocketConstructor;

  constructor(private readonly options: ChatClientOptions) {
    const Socket = options.WebSocket ?? (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
    if (!Socket) throw new Error('No WebSocket here (Node 20): pass `WebSocket` from the ws package.');
    this.Socket = Socket;
  }

  /** Whether the socket is open and caught up. */
  get connected(): boolean {
    return this.synced;
  }

  /** Listens to one kind of frame; returns the function that stops listening. */
  on<O extends ServerOp>(op: O, listener: Listener<O>): () => void {
    const set = this.listeners.get(op) ?? new Set();
    this.listeners.set(op, set);
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Connects (and keeps reconnecting until `close`); resolves once caught up. */
  connect(): Promise<void> {
    this.stopped = false;
    if (!this.socket) this.open();
    return this.untilSynced();
  }

  untilSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => this.waitingForSync.push({ resolve, reject }));
  }

  /** Sends a message; resolves with it as stored (also after a reconnect: the same clientMessageId is resent). */
  async send(
    conversationId: string,
    message: OutgoingMessage,
    clientMessageId = `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`,
  ): Promise<{ message: ChatMessage; replayed: boolean }> {
    const ack = await this.request({ op: 'send', conversationId, clientMessageId, ...message });
    // Not recorded as seen: the stream's own `message` frame for it keeps the per-conversation order.
    return ack as unknown as { message: ChatMessage; replayed: boolean };
  }

  /** Marks the conversation read up to a message. */
  async read(conversationId: string, upTo: string): Promise<void> {
    await this.request({ op: 'read', conversationId, upTo });
  }

  /** "Typing…", best effort: dropped while disconnected. */
  typing(conversationId: string): void {
    if (this.synced) this.write({ op: 'typing', conversationId });
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.close(1000, 'bye');
    this.socket = undefined;
    this.synced = false;
    const closed = new Error('chat client closed');
    for (const pending of this.pending.values()) pending.reject(closed);
    this.pending.clear();
    for (const waiter of this.waitingForSync.splice(0)) waiter.reject(closed);
  }

  private request(frame: ClientFrame): Promise<ServerFrames['ack']> {
    if (this.stopped) return Promise.reject(new Error('chat client closed'));
    const ref = `r${++this.nextRef}`;
    return new Promise((resolve, reject) => {
      const pending = { frame: { ...frame, ref }, resolve, reject };
      this.pending.set(ref, pending);
      if (this.synced) this.write(pending.frame);
    });
  }

  private open(): void {
    const token = this.options.token();
    const url = `${this.options.baseUrl.replace(/\/$/, '').replace(/^http/, 'ws')}/api/v1/messages/ws?token=${encodeURIComponent(token ?? '')}`;
    const socket = new this.Socket(url);
    this.socket = socket;
    let greeted = false;
    socket.onopen = () => {
      // The first frame says where this device stands: the service then sends exactly what it missed.
      this.write({ op: 'resume', lastMessageIds: [...this.lastSeen.values()].map((seen) => seen.id) });
    };
    socket.onmessage = (event) => {
      const frame = JSON.parse(String(event.data)) as ServerFrame;
      if (frame.op === 'hello') greeted = true;
      this.receive(frame);
    };
    socket.onerror = () => {}; // followed by onclose, where reconnecting is decided
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.synced = false;
      if (this.stopped) return;
      // Refused before the hello (an expired token cannot be told apart from the outside) or told the token
      // expired: a new token first.
      const renew = !greeted || event.code === CLOSE_TOKEN_EXPIRED;
      this.scheduleReconnect(renew);
    };
  }

  private scheduleReconnect(renewToken: boolean): void {
    const { initialMs = 500, maxMs = 30_000 } = this.options.backoff ?? {};
    const ceiling = Math.min(maxMs, initialMs * 2 ** this.attempt++);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.reconnectTimer = setTimeout(async () => {
      if (renewToken && this.options.refreshToken) await this.options.refreshToken().catch(() => undefined);
      if (!this.stopped && !this.socket) this.open();
    }, delay);
  }

  private receive(frame: ServerFrame): void {
    switch (frame.op) {
      case 'synced':
        this.synced = true;
        this.attempt = 0;
        for (const pending of this.pending.values()) this.write(pending.frame);
        for (const waiter of this.waitingForSync.splice(0)) waiter.resolve();
        break;
      case 'message':
        // Exactly once per conversation, in order: anything at or before what was seen is a duplicate.
        if (!this.saw(frame.message)) return;
        break;
      case 'token_expiring':
        void this.renewOnSocket();
        break;
      case 'ack':
      case 'error': {
        const pending = frame.ref ? this.pending.get(frame.ref) : undefined;
        if (pending) {
          this.pending.delete(frame.ref!);
          if (frame.op === 'ack') pending.resolve(frame);
          else pending.reject(new ChatError(frame));
          return;
        }
        break;
      }
    }
    for (const listener of this.listeners.get(frame.op) ?? []) (listener as Listener<typeof frame.op>)(frame);
  }

  /** Records a message as seen; false when it was already. */
  private saw(message: ChatMessage): boolean {
    const last = this.lastSeen.get(message.conversationId);
    if (last && last.seq >= message.seq) return false;
    this.lastSeen.set(message.conversationId, { id: message.id, seq: message.seq });
    return true;
  }

  private async renewOnSocket(): Promise<void> {
    const token = await this.options.refreshToken?.().catch(() => undefined);
    if (token && this.synced) await this.request({ op: 'refresh', token }).catch(() => undefined);
  }

  private write(frame: ClientFrame): void {
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify(frame));
  }
}
