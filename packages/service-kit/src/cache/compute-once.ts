import { randomUUID } from 'node:crypto';
import type { Cache } from './types.js';

export interface ComputeOnceOptions {
  /** How long the computed value stays fresh (served without any computation). */
  ttlMs: number;
  /**
   * How long after `ttlMs` a stale value may still be served while one caller refreshes it in the background
   * (stale-while-revalidate; default 0: an expired value is computed again before answering).
   */
  staleMs?: number;
  /** How long one computation may hold the key's lock before another caller may take over (default 10 s). */
  lockMs?: number;
  /** How often a caller waiting on another's computation looks for its result (default 25 ms). */
  pollMs?: number;
  /** Told about a background refresh that failed (its callers were already answered with the stale value). */
  onRefreshError?: (error: unknown) => void;
}

// Callers in this process that want the same key share one promise: no lock round trips for them at all.
const inFlight = new WeakMap<Cache, Map<string, Promise<string>>>();

/**
 * A stored value carries the time it stops being fresh: `<freshUntil ms>:<value>`. The cache entry itself lives
 * `ttlMs + staleMs`, so a stale value is still there to be served while it is refreshed.
 */
const wrap = (value: string, ttlMs: number) => `${Date.now() + ttlMs}:${value}`;
function unwrap(stored: string): { value: string; fresh: boolean } | null {
  const colon = stored.indexOf(':');
  const freshUntil = Number(stored.slice(0, colon));
  if (colon < 1 || !Number.isFinite(freshUntil)) return null; // not written by us: treat as absent
  return { value: stored.slice(colon + 1), fresh: Date.now() < freshUntil };
}

/**
 * The cached value of `key`, or the one `compute` returns, computed once per key at a time across every process
 * sharing the cache (stampede protection): the first caller takes a lock key (`setIfAbsent`) and computes,
 * the others wait for the value to appear. A lock whose holder died expires after `lockMs`, and a waiter then
 * computes itself; a failed computation releases the lock and the error goes to its caller only.
 * With `staleMs`, a value past its `ttlMs` is answered at once while the one caller that takes the lock
 * refreshes it in the background, so an expiring hot key never makes callers wait. Deleting the key (an
 * invalidation) removes the stale value too: the next caller waits for a fresh one.
 */
export function getOrComputeOnce(
  cache: Cache,
  key: string,
  compute: () => Promise<string>,
  options: ComputeOnceOptions,
): Promise<string> {
  let local = inFlight.get(cache);
  if (!local) {
    local = new Map();
    inFlight.set(cache, local);
  }
  const pending = local.get(key);
  if (pending) return pending;
  const flight = resolve(cache, key, compute, options).finally(() => local.delete(key));
  local.set(key, flight);
  return flight;
}

async function resolve(
  cache: Cache,
  key: string,
  compute: () => Promise<string>,
  options: ComputeOnceOptions,
): Promise<string> {
  const { lockMs = 10_000, pollMs = 25 } = options;
  const lockKey = `${key}:computing`;
  const token = randomUUID();
  const deadline = Date.now() + lockMs;
  for (;;) {
    const stored = await cache.get(key);
    const cached = stored === null ? null : unwrap(stored);
    if (cached?.fresh) return cached.value;
    const locked = await cache.setIfAbsent(lockKey, token, lockMs);
    if (cached) {
      // Stale: answer with it; whoever won the lock refreshes it for the next callers.
      if (locked) void refresh(cache, key, lockKey, token, compute, options).catch(options.onRefreshError ?? noop);
      return cached.value;
    }
    if (locked) break;
    // Someone else computes; past their lock's lifetime we stop trusting it and compute ourselves.
    if (Date.now() >= deadline) break;
    await new Promise((done) => setTimeout(done, pollMs));
  }
  return refresh(cache, key, lockKey, token, compute, options);
}

const noop = () => undefined;

async function refresh(
  cache: Cache,
  key: string,
  lockKey: string,
  token: string,
  compute: () => Promise<string>,
  { ttlMs, staleMs = 0 }: ComputeOnceOptions,
): Promise<string> {
  try {
    const value = await compute();
    await cache.set(key, wrap(value, ttlMs), ttlMs + staleMs);
    return value;
  } finally {
    // Only our own lock goes; a lock another caller took after ours expired is theirs.
    if ((await cache.get(lockKey).catch(() => null)) === token) await cache.delete(lockKey).catch(() => undefined);
  }
}
