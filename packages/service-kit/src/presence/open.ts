import { SharedAdapters } from '../shared-adapters.js';
import { MemoryPresence } from './memory.js';
import { RedisPresence } from './redis.js';
import type { PresenceRegistry } from './types.js';

const memoryRegistries = new SharedAdapters<PresenceRegistry>();

/**
 * Opens the presence registry on the cache's URL: `memory://[name]` (process-wide per name, like the cache) or
 * `redis://…` (its own connection; keys under `<namespace>:presence:`). Match every open with `close()`.
 */
export async function openPresence(url: string, options: { namespace: string }): Promise<PresenceRegistry> {
  if (/^rediss?:\/\//.test(url)) return RedisPresence.connect(url, options);
  if (!url.startsWith('memory://')) throw new Error(`unsupported presence URL scheme: ${url}`);
  // Namespaced like the cache: two services sharing one process never see each other's users.
  const { adapter, release } = await memoryRegistries.acquire(`${url}#${options.namespace}`, async () => {
    return new MemoryPresence();
  });
  return {
    kind: adapter.kind,
    add: (userId, holder, ttlMs) => adapter.add(userId, holder, ttlMs),
    remove: (userId, holder) => adapter.remove(userId, holder),
    refresh: (userIds, holder, ttlMs) => adapter.refresh(userIds, holder, ttlMs),
    online: (userIds) => adapter.online(userIds),
    holders: (userId) => adapter.holders(userId),
    ping: () => adapter.ping(),
    close: release,
  };
}
