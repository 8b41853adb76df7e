import { randomUUID } from 'node:crypto';
import type { Cache } from './types.js';

export interface ComputeOnceOptions {
  /** How long the computed value stays cached. */
  ttlMs: number;
  /** How long one computation may hold the key's lock before another caller may take over (default 10 s). */
  lockMs?: number;
  /** How often a caller waiting on another's computation looks for its result (default 25 ms). */
  pollMs?: number;
}

// Callers in this process that want the same key share one promise: no lock round trips for them at all.
const inFlight = new WeakMap<Cache, Map<string, Promise<string>>>();

/**
 * The cached value of `key`, or the one `compute` returns, computed once per key at a time across every process
 * sharing the cache (stampede protection): the first caller takes a lock key (`setIfAbsent`) and computes,
 * the others wait for the value to appear. A lock whose holder died expires after `lockMs`, and a waiter then
 * computes itself; a failed computation releases the lock and the error goes to its caller only.
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
  { ttlMs, lockMs = 10_000, pollMs = 25 }: ComputeOnceOptions,
): Promise<string> {
  const lockKey = `${key}:computing`;
  const token = randomUUID();
  const deadline = Date.now() + lockMs;
  for (;;) {
    const cached = await cache.get(key);
    if (cached !== null) return cached;
    if (await cache.setIfAbsent(lockKey, token, lockMs)) break;
    // Someone else computes; past their lock's lifetime we stop trusting it and compute ourselves.
    if (Date.now() >= deadline) break;
    await new Promise((done) => setTimeout(done, pollMs));
  }
  try {
    const value = await compute();
    await cache.set(key, value, ttlMs);
    return value;
  } finally {
    // Only our own lock goes; a lock another caller took after ours expired is theirs.
    if ((await cache.get(lockKey).catch(() => null)) === token) await cache.delete(lockKey).catch(() => undefined);
  }
}
