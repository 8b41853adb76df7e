import { SharedAdapters } from '../shared-adapters.js';
import { MemoryCache } from './memory.js';
import { RedisCache } from './redis.js';
import type { Cache } from './types.js';

const stores = new SharedAdapters<Cache>();

/**
 * Opens the cache named by `url` (`memory://[name]`, `redis://…`). Every key is put under `namespace:` so that
 * services sharing one Redis (or one process) never see each other's keys. The last close releases the store.
 */
export async function openCache(url: string, options: { namespace: string }): Promise<Cache> {
  if (!/^(memory|rediss?):\/\//.test(url)) throw new Error(`unsupported CACHE_URL scheme: ${url}`);
  const { adapter: store, release } = await stores.acquire(url, async () =>
    url.startsWith('memory://') ? new MemoryCache() : RedisCache.connect(url, { name: options.namespace }),
  );
  const k = (key: string) => `${options.namespace}:${key}`;
  return {
    kind: store.kind,
    get: (key) => store.get(k(key)),
    set: (key, value, ttlMs) => store.set(k(key), value, ttlMs),
    setIfAbsent: (key, value, ttlMs) => store.setIfAbsent(k(key), value, ttlMs),
    delete: (key) => store.delete(k(key)),
    increment: (key, windowMs) => store.increment(k(key), windowMs),
    ping: () => store.ping(),
    close: release,
  };
}
