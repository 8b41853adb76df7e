import { type AccessClaims, type Logger, newId } from '@diaspora/service-kit';
import type { RawData, WebSocket } from 'ws';
import { errorFrame, FrameError, parseClientFrame } from './frames.js';
import type { MessageStream } from './message-stream.js';

export interface ConnectionOptions {
  maxFrameBytes: number;
  heartbeatMs: number;
  ratePerSecond: number;
  rateBurst: number;
  floodCloseAfter: number;
  maxBufferedBytes: number;
  resumeWaitMs: number;
  tokenWarningSeconds: number;
}

/** WebSocket close codes this server uses (4xxx: application-defined). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  policy: 1008,
  tooBig: 1009,
  internal: 1011,
  restart: 1012,
  tryAgainLater: 1013,
  tokenExpired: 4001,
} as const;

/** ws's errors for a peer breaking the protocol, after which ws itself sends the matching close frame. */
export const isProtocolError = (error: Error): boolean => {
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && code.startsWith('WS_ERR_');
};

export type FrameDispatcher = (
  connection: ClientConnection,
  op: string,
  frame: Record<string, unknown>,
) => Promise<Record<string, unknown> | undefined>;

/**
 * One device's socket: heartbeats, per-connection rate limit, frame size limit, backpressure (a consumer that
 * does not read is dropped, never buffered without bound), the token's lifetime, and frames handled one at a time
 * in arrival order (so a device's sends keep their order).
 */
export class ClientConnection {
  readonly id = newId('wsc');
  stream!: MessageStream;
  private alive = true;
  private tokens: number;
  private refilledAt = performance.now();
  private limitedInARow = 0;
  private inbox: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private tokenTimers: NodeJS.Timeout[] = [];
  private closed = false;
  /** Set when the flood limit is reached: no more frames are read, the accepted ones are still answered. */
  private flooded = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly socket: WebSocket,
    public claims: AccessClaims,
    private readonly options: ConnectionOptions,
    private readonly dispatch: FrameDispatcher,
    private readonly logger: Logger,
    private readonly onSlowConsumer: () => void,
  ) {
    this.tokens = options.rateBurst;
    // Listened to from the start: a socket that closes before `start()` still releases what it holds.
    this.socket.on('close', () => this.closedByPeer());
    this.socket.on('error', (error) => this.failed(error));
  }

  get userId(): string {
    return this.claims.sub;
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  start(): void {
    this.socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    this.socket.on('pong', () => {
      this.alive = true;
    });
    const heartbeat = setInterval(() => {
      if (!this.alive) {
        this.logger.debug({ connectionId: this.id }, 'no pong: terminating');
        this.terminate();
        return;
      }
      this.alive = false;
      this.socket.ping();
    }, this.options.heartbeatMs);
    this.timers.push(heartbeat);
    this.scheduleExpiry();
    if (this.options.resumeWaitMs > 0) {
      // A device that never says where it stands still gets what no device of the member received.
      this.timers.push(setTimeout(() => this.autoResume(), this.options.resumeWaitMs));
    } else {
      this.autoResume();
    }
    this.sendFrame({
      op: 'hello',
      connectionId: this.id,
      userId: this.userId,
      heartbeatMs: this.options.heartbeatMs,
      maxFrameBytes: this.options.maxFrameBytes,
      tokenExpiresAt: new Date(this.claims.exp * 1000).toISOString(),
    });
  }

  private autoResume(): void {
    if (this.stream.resumed || this.closed) return;
    void this.stream.resume([]).then(
      (outcome) => this.sendFrame({ op: 'synced', sent: outcome.sent, ignored: [] }),
      (error: unknown) => this.sendFrame(errorFrame(error, undefined)),
    );
  }

  /** Replaces the claims after a `refresh` frame: the socket now lives as long as the new token. */
  refreshed(claims: AccessClaims): void {
    this.claims = claims;
    this.scheduleExpiry();
  }

  private scheduleExpiry(): void {
    for (const timer of this.tokenTimers) clearTimeout(timer);
    // Access tokens live minutes; the clamp only keeps setTimeout's 32-bit limit from firing early.
    const msLeft = Math.min(this.claims.exp * 1000 - Date.now(), 2 ** 31 - 1);
    const warnIn = msLeft - this.options.tokenWarningSeconds * 1000;
    this.tokenTimers = [
      setTimeout(
        () => this.sendFrame({ op: 'token_expiring', expiresAt: new Date(this.claims.exp * 1000).toISOString() }),
        Math.max(0, warnIn),
      ),
      setTimeout(
        () => {
          this.sendFrame({
            op: 'error',
            code: 'unauthorized',
            message: 'The access token expired; reconnect with a new one.',
          });
          this.close(CLOSE.tokenExpired, 'token expired');
        },
        Math.max(0, msLeft),
      ),
    ];
  }

  /** Token bucket: `ratePerSecond` sustained, `rateBurst` at once. */
  private allow(): boolean {
    const now = performance.now();
    this.tokens = Math.min(
      this.options.rateBurst,
      this.tokens + ((now - this.refilledAt) / 1000) * this.options.ratePerSecond,
    );
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    this.alive = true;
    if (this.closed || this.flooded) return;
    if (!this.allow()) {
      if (++this.limitedInARow >= this.options.floodCloseAfter) {
        this.closeWhenAnswered(CLOSE.policy, 'rate limit exceeded');
        return;
      }
      const retryAfterMs = Math.ceil(((1 - this.tokens) / this.options.ratePerSecond) * 1000);
      this.sendFrame({ op: 'error', code: 'rate_limited', message: 'Too many frames; slow down.', retryAfterMs });
      return;
    }
    this.limitedInARow = 0;
    const size = Array.isArray(data) ? data.reduce((n, chunk) => n + chunk.length, 0) : data.byteLength;
    if (size > this.options.maxFrameBytes) {
      this.sendFrame(
        errorFrame(
          new FrameError('frame_too_large', `Frames are at most ${this.options.maxFrameBytes} bytes.`),
          undefined,
        ),
      );
      return;
    }
    if (isBinary) {
      this.sendFrame(errorFrame(new FrameError('bad_frame', 'Send JSON in text frames.'), undefined));
      return;
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const text = bytes.toString('utf8');
    this.inbox = this.inbox.then(() => this.handle(text));
  }

  private async handle(text: string): Promise<void> {
    let ref: string | undefined;
    try {
      const { op, frame } = parseClientFrame(text);
      ref = frame.ref as string | undefined;
      const answer = await this.dispatch(this, op, frame);
      if (answer) this.sendFrame({ ...answer, ...(ref === undefined ? {} : { ref }) });
    } catch (error) {
      const frame = errorFrame(error, ref);
      if (frame.code === 'internal') this.logger.error({ err: error, connectionId: this.id }, 'frame handling failed');
      this.sendFrame(frame);
    }
  }

  sendFrame(frame: Record<string, unknown>): boolean {
    return this.send(JSON.stringify(frame));
  }

  /**
   * Queues a frame on the socket unless the device fell too far behind: then it is dropped as a slow consumer
   * (it reconnects and resumes from what it has, losing nothing).
   */
  send(frame: string, onWritten?: () => void): boolean {
    if (!this.isOpen) return false;
    if (this.socket.bufferedAmount + frame.length > this.options.maxBufferedBytes) {
      this.onSlowConsumer();
      this.logger.info({ connectionId: this.id, buffered: this.socket.bufferedAmount }, 'slow consumer dropped');
      this.sendCloseAndTerminate(CLOSE.tryAgainLater, 'slow consumer');
      return false;
    }
    this.socket.send(frame, onWritten ? (error) => (error ? undefined : onWritten()) : undefined);
    return true;
  }

  /** Catch-up pacing: waits while more than half the allowed buffer is still unsent. */
  async drained(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (this.isOpen && this.socket.bufferedAmount > this.options.maxBufferedBytes / 2) {
      if (Date.now() > deadline) {
        this.onSlowConsumer();
        this.sendCloseAndTerminate(CLOSE.tryAgainLater, 'slow consumer');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * Stops reading, lets the frames already accepted finish (their acks tell the device which messages were stored,
   * so it does not send them again), then closes. Bounded: a stuck frame does not keep the socket.
   */
  private closeWhenAnswered(code: number, reason: string): void {
    this.flooded = true;
    const deadline = new Promise((resolve) => setTimeout(resolve, 5000).unref());
    void Promise.race([this.inbox, deadline]).then(() => this.close(code, reason));
  }

  /**
   * ws reports a protocol violation (a frame beyond maxPayload: 1009, invalid UTF-8: 1007…) after starting the
   * closing handshake with the matching code: let that close frame reach the client instead of cutting the socket
   * (which the client would see as 1006). Other errors (a reset connection) end it at once.
   */
  private failed(error: Error): void {
    if (isProtocolError(error)) {
      this.logger.debug({ connectionId: this.id, err: error }, 'protocol error: closing');
      this.shutdown();
      setTimeout(() => this.socket.terminate(), 1000).unref();
      return;
    }
    this.terminate();
  }

  private sendCloseAndTerminate(code: number, reason: string): void {
    this.close(code, reason);
    // The close frame sits behind the backlog; do not wait for a peer that is not reading.
    setTimeout(() => this.terminate(), 1000).unref();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.shutdown();
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.shutdown();
    this.socket.terminate();
  }

  private closedByPeer(): void {
    this.shutdown();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of [...this.timers, ...this.tokenTimers]) clearTimeout(timer);
    this.stream?.close();
    for (const listener of this.closeListeners) listener();
  }
}
