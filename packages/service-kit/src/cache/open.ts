import { MemoryCache } from './memory.js';
import { RedisCache } from './redis.js';
import type { Cache } from './types.js';

interface Shared {
  cache: Promise<Cache>;
  users: number;
}

const shared = new Map<string, Shared>();

/**
 * Opens the cache named by `url` (`memory://[name]`, `redis://…`). Every key is put under `namespace:` so that
 * services sharing one Redis (or one process) never see each other's keys. The last close releases the store.
 */
export async function openCache(url: string, options: { namespace: string }): Promise<Cache> {
  let entry = shared.get(url);
  if (!entry) {
    let cache: Promise<Cache>;
    if (url.startsWith('memory://')) cache = Promise.resolve(new MemoryCache());
    else if (/^rediss?:\/\//.test(url)) cache = RedisCache.connect(url, { name: options.namespace });
    else throw new Error(`unsupported CACHE_URL scheme: ${url}`);
    entry = { cache, users: 0 };
    shared.set(url, entry);
    cache.catch(() => shared.delete(url));
  }
  const current = entry;
  // Counted before waiting, so that a last close() meanwhile does not release the store we are about to use.
  current.users++;
  let store: Cache;
  try {
    store = await current.cache;
  } catch (error) {
    current.users--;
    throw error;
  }
  const k = (key: string) => `${options.namespace}:${key}`;
  let closed = false;
  return {
    kind: store.kind,
    get: (key) => store.get(k(key)),
    set: (key, value, ttlMs) => store.set(k(key), value, ttlMs),
    setIfAbsent: (key, value, ttlMs) => store.setIfAbsent(k(key), value, ttlMs),
    delete: (key) => store.delete(k(key)),
    increment: (key, windowMs) => store.increment(k(key), windowMs),
    ping: () => store.ping(),
    close: async () => {
      if (closed) return;
      closed = true;
      if (--current.users === 0) {
        shared.delete(url);
        await store.close();
      }
    },
  };
}
