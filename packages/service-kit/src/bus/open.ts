import type { Logger } from '../logger.js';
import { MemoryBus } from './memory.js';
import { NatsBus } from './nats.js';
import type { Delivery, EventBus } from './types.js';

interface Shared {
  bus: Promise<EventBus>;
  users: number;
}

/** In-process buses are shared by URL, so services hosted in one process see each other's events. */
const shared = new Map<string, Shared>();

/**
 * Opens the bus named by `url`: `memory://[name]` (process-wide per name) or `nats://host:port` (JetStream).
 * Every open must be matched by `close()` on the returned handle; the last close releases the adapter.
 */
export async function openBus(url: string, options: { name: string; logger?: Logger }): Promise<EventBus> {
  const onDeadLetter = (delivery: Delivery, error: unknown) =>
    options.logger?.error(
      { err: error, eventId: delivery.id, subject: delivery.subject, deliveries: delivery.deliveryCount },
      'event dead-lettered after its last delivery attempt',
    );
  const onError = (error: unknown, subscription: { subject: string; durable: string }) =>
    options.logger?.error({ err: error, ...subscription }, 'event subscription failed and takes no more messages');
  if (url.startsWith('nats://')) return NatsBus.connect(url, { name: options.name, onDeadLetter, onError });
  if (!url.startsWith('memory://')) throw new Error(`unsupported BUS_URL scheme: ${url}`);
  let entry = shared.get(url);
  if (!entry) {
    entry = { bus: Promise.resolve(new MemoryBus({ onDeadLetter })), users: 0 };
    shared.set(url, entry);
  }
  const current = entry;
  current.users++;
  const bus = await current.bus;
  let closed = false;
  return {
    kind: bus.kind,
    publish: (message) => bus.publish(message),
    subscribe: (subscription) => bus.subscribe(subscription),
    ping: () => bus.ping(),
    close: async () => {
      if (closed) return;
      closed = true;
      if (--current.users === 0) {
        shared.delete(url);
        await bus.close();
      }
    },
  };
}
