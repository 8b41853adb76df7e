import type { Logger } from '../logger.js';
import { SharedAdapters } from '../shared-adapters.js';
import { MemoryBus } from './memory.js';
import { NatsBus } from './nats.js';
import type { Delivery, EventBus } from './types.js';

/** In-process buses are shared by URL, so services hosted in one process see each other's events. */
const memoryBuses = new SharedAdapters<EventBus>();

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
  const { adapter: bus, release } = await memoryBuses.acquire(url, async () => new MemoryBus({ onDeadLetter }));
  return {
    kind: bus.kind,
    publish: (message) => bus.publish(message),
    subscribe: (subscription) => bus.subscribe(subscription),
    ping: () => bus.ping(),
    close: release,
  };
}
