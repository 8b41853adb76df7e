import type { AccessClaims, Logger } from '@diaspora/service-kit';
import type { PresenceRegistry } from '@diaspora/service-kit/presence';
import type { RealtimeBus, RealtimeSubscription } from '@diaspora/service-kit/realtime';
import type { WebSocket } from 'ws';
import type { Message } from '../domain/model.js';
import type { ConversationStore, LiveFanout, MessageStore } from '../domain/ports.js';
import type { Views } from '../domain/views.js';
import { CLOSE, ClientConnection, type ConnectionOptions, type FrameDispatcher } from './connection.js';
import { ConnectionLimits } from './connection-limits.js';
import type { DeliveryTracker } from './delivery-tracker.js';
import { decodeEnvelope, type Envelope, encodeEnvelope, userSubject } from './envelope.js';
import { MessageStream } from './message-stream.js';

export interface HubMetrics {
  connections(delta: number): void;
  slowConsumer(): void;
}

interface LocalUser {
  connections: Set<ClientConnection>;
  subscription: RealtimeSubscription;
  /** Resolves once the subscription is live and presence recorded; later connections of the user wait on it. */
  ready: Promise<void>;
}

/**
 * This instance's side of live delivery. Each user with a socket here gets one subscription to their subject on
 * the realtime bus; whoever sends (on any instance) publishes to the members' subjects, and the bus brings it to
 * every instance holding one of their devices. Presence (which instance holds whom) lives in the registry.
 */
export class RealtimeHub implements LiveFanout {
  private readonly users = new Map<string, LocalUser>();
  private publishing: Promise<void> = Promise.resolve();
  private refresher: NodeJS.Timeout | undefined;
  private readonly detaching = new Set<Promise<void>>();
  /** Registry updates of one user run one after another, so a quick reconnect never ends up "offline". */
  private readonly presenceOps = new Map<string, Promise<unknown>>();
  private closing = false;

  constructor(
    private readonly deps: {
      instanceId: string;
      realtime: RealtimeBus;
      presence: PresenceRegistry;
      conversations: ConversationStore;
      messages: MessageStore;
      views: Views;
      tracker: DeliveryTracker;
      dispatch: FrameDispatcher;
      logger: Logger;
      metrics: HubMetrics;
      presenceTtlMs: number;
      connection: ConnectionOptions;
      limits: { perMember: number; perIp: number };
    },
  ) {
    this.limits = new ConnectionLimits(deps.limits);
  }

  private readonly limits: ConnectionLimits;

  /** Throws 429 when the member already has the most devices connected here, or the address the most sockets. */
  admit(userId: string, ip: string): void {
    this.limits.check(this.users.get(userId)?.connections.size ?? 0, ip);
  }

  /** Starts refreshing this instance's registry entries (a crashed instance's entries expire on their own). */
  start(): void {
    const every = Math.floor(this.deps.presenceTtlMs / 3);
    this.refresher = setInterval(() => {
      const userIds = [...this.users.keys()];
      this.deps.presence
        .refresh(userIds, this.deps.instanceId, this.deps.presenceTtlMs)
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'presence refresh failed'));
    }, every);
    this.refresher.unref();
  }

  get connectionCount(): number {
    let count = 0;
    for (const user of this.users.values()) count += user.connections.size;
    return count;
  }

  /** Takes an authenticated socket: the user's subscription is live before the device may resume. */
  async accept(socket: WebSocket, claims: AccessClaims, ip: string): Promise<void> {
    const connection = new ClientConnection(
      socket,
      claims,
      this.deps.connection,
      this.deps.dispatch,
      this.deps.logger,
      () => this.deps.metrics.slowConsumer(),
    );
    connection.stream = new MessageStream(
      claims.sub,
      {
        conversations: this.deps.conversations,
        messages: this.deps.messages,
        views: this.deps.views,
        delivered: (conversationId, seq, messageId) =>
          this.deps.tracker.delivered(conversationId, claims.sub, seq, messageId),
        logger: this.deps.logger,
      },
      { send: (frame, onWritten) => connection.send(frame, onWritten), drained: () => connection.drained() },
      () => connection.close(CLOSE.tryAgainLater, 'slow consumer'),
    );
    if (this.closing) {
      connection.close(CLOSE.restart, 'service restarting');
      return;
    }
    try {
      // Checked again here: upgrades admitted side by side must not together exceed the caps.
      this.admit(claims.sub, ip);
    } catch {
      connection.close(CLOSE.policy, 'too many connections');
      return;
    }
    connection.onClose(this.limits.hold(ip));
    const user = this.attach(connection);
    this.deps.metrics.connections(1);
    connection.onClose(() => {
      this.deps.metrics.connections(-1);
      const detached = this.detach(connection).finally(() => this.detaching.delete(detached));
      this.detaching.add(detached);
    });
    try {
      await user.ready;
    } catch (error) {
      this.deps.logger.error({ err: error }, 'could not register the connection');
      connection.close(CLOSE.internal, 'try again');
      return;
    }
    if (socket.readyState === socket.OPEN) connection.start();
  }

  private attach(connection: ClientConnection): LocalUser {
    const userId = connection.userId;
    const user = this.users.get(userId);
    if (user) {
      user.connections.add(connection);
      return user;
    }
    const subscription = this.deps.realtime.subscribe(userSubject(userId), (message) => {
      const envelope = decodeEnvelope(message.data);
      if (envelope) this.toDevices(userId, envelope);
    });
    const created: LocalUser = {
      connections: new Set([connection]),
      subscription,
      ready: (async () => {
        await this.deps.realtime.flush(); // from here on, nothing published for this user can pass us by
        const cameOnline = await this.serially(userId, () =>
          this.deps.presence.add(userId, this.deps.instanceId, this.deps.presenceTtlMs),
        );
        if (cameOnline) await this.announcePresence(userId, 'online');
      })(),
    };
    created.ready.catch(() => undefined);
    this.users.set(userId, created);
    return created;
  }

  private async detach(connection: ClientConnection): Promise<void> {
    const userId = connection.userId;
    const user = this.users.get(userId);
    if (!user?.connections.delete(connection) || user.connections.size > 0) return;
    this.users.delete(userId);
    user.subscription.unsubscribe();
    try {
      await user.ready.catch(() => undefined);
      // Another socket of the user may have arrived meanwhile: then this instance still holds them.
      if (this.users.has(userId)) return;
      const wentOffline = await this.serially(userId, async () =>
        // Checked again in turn: a socket that arrived meanwhile keeps the user here.
        this.users.has(userId) ? false : this.deps.presence.remove(userId, this.deps.instanceId),
      );
      if (wentOffline) await this.announcePresence(userId, 'offline');
    } catch (error) {
      this.deps.logger.warn({ err: error, userId }, 'presence not updated on disconnect; it expires by itself');
    }
  }

  private serially<T>(userId: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.presenceOps.get(userId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(operation);
    this.presenceOps.set(userId, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (this.presenceOps.get(userId) === next) this.presenceOps.delete(userId);
      });
    return next;
  }

  private toDevices(userId: string, envelope: Envelope): void {
    const user = this.users.get(userId);
    if (!user) return;
    for (const connection of user.connections) {
      if (envelope.kind === 'message') connection.stream.receive(envelope);
      else if (envelope.kind === 'removed') connection.stream.forget(envelope.conversationId);
      else connection.send(envelope.frame);
    }
  }

  /** Members of the user's direct conversations see them come and go. */
  private async announcePresence(userId: string, status: 'online' | 'offline'): Promise<void> {
    const peers = await this.deps.conversations.directPeers(userId, 500);
    if (peers.length) this.frame(peers, { op: 'presence', userId, status, at: new Date().toISOString() });
  }

  private publish(userIds: Iterable<string>, envelope: Envelope): void {
    const data = encodeEnvelope(envelope);
    for (const userId of new Set(userIds)) this.deps.realtime.publish(userSubject(userId), data);
  }

  /** Serialized: one instance publishes a conversation's messages in the order it stored them. */
  private inOrder(work: () => Promise<void>): void {
    this.publishing = this.publishing
      .then(work)
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'live fan-out failed'));
  }

  message(message: Message, memberIds: string[]): void {
    this.inOrder(async () => {
      const frame = JSON.stringify({ op: 'message', message: await this.deps.views.message(message, 'sent') });
      this.publish(memberIds, {
        kind: 'message',
        conversationId: message.conversationId,
        seq: message.seq,
        senderId: message.senderId,
        messageId: message.id,
        frame,
      });
    });
  }

  updated(message: Message, memberIds: string[], change: 'edited' | 'deleted'): void {
    this.inOrder(async () => {
      const view = await this.deps.views.message(message, 'sent');
      this.publish(memberIds, { kind: 'frame', frame: JSON.stringify({ op: 'update', change, message: view }) });
    });
  }

  frame(userIds: string[], frame: Record<string, unknown>): void {
    this.publish(userIds, { kind: 'frame', frame: JSON.stringify(frame) });
  }

  removed(conversationId: string, userIds: string[]): void {
    this.publish(userIds, { kind: 'removed', conversationId });
  }

  online(userIds: string[]): Promise<Set<string>> {
    return this.deps.presence.online(userIds);
  }

  /** Closes every socket (clients reconnect, to another instance) and leaves the registry. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.refresher);
    for (const user of [...this.users.values()])
      for (const connection of user.connections) connection.close(CLOSE.restart, 'service restarting');
    await Promise.allSettled([...this.detaching]);
    await this.publishing;
  }
}
