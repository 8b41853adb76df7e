import type { Logger } from '../logger.js';
import { SharedAdapters } from '../shared-adapters.js';
import { MemoryRealtime } from './memory.js';
import { NatsRealtime } from './nats.js';
import type { RealtimeBus } from './types.js';

/** In-process realtime buses are shared by URL, like the event bus: instances in one process see each other. */
const memoryBuses = new SharedAdapters<RealtimeBus>();

/**
 * Opens the realtime bus named by `url`: `memory://[name]` (process-wide per name) or `nats://host:port` (core
 * NATS, its own connection). Match every open with `close()` on the returned handle.
 */
export async function openRealtime(url: string, options: { name: string; logger?: Logger }): Promise<RealtimeBus> {
  const onError = (error: unknown, subject: string) =>
    options.logger?.error({ err: error, subject }, 'realtime handler failed');
  if (url.startsWith('nats://')) return NatsRealtime.connect(url, { name: options.name, onError });
  if (!url.startsWith('memory://')) throw new Error(`unsupported realtime URL scheme: ${url}`);
  const { adapter, release } = await memoryBuses.acquire(url, async () => new MemoryRealtime({ onError }));
  let released = false;
  const subscriptions = new Set<{ unsubscribe(): void }>();
  return {
    kind: adapter.kind,
    publish: (subject, data) => {
      if (released) throw new Error('realtime bus is closed');
      adapter.publish(subject, data);
    },
    subscribe: (subject, handler) => {
      if (released) throw new Error('realtime bus is closed');
      const subscription = adapter.subscribe(subject, handler);
      const tracked = {
        unsubscribe: () => {
          subscriptions.delete(tracked);
          subscription.unsubscribe();
        },
      };
      subscriptions.add(tracked);
      return tracked;
    },
    flush: () => adapter.flush(),
    ping: () => (released ? Promise.reject(new Error('realtime bus is closed')) : adapter.ping()),
    // A handle's subscriptions end with it, even while other holders keep the shared bus open.
    close: async () => {
      if (released) return;
      released = true;
      for (const subscription of [...subscriptions]) subscription.unsubscribe();
      await release();
    },
  };
}
