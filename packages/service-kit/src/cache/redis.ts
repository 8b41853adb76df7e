import { Redis } from 'ioredis';
import type { Cache } from './types.js';

// INCR and set the window's expiry on the first hit, atomically; returns [count, remaining ms].
const INCREMENT = `
local value = redis.call('INCR', KEYS[1])
if value == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {value, ttl}`;

export class RedisCache implements Cache {
  readonly kind = 'redis';

  private constructor(private readonly redis: Redis) {}

  static async connect(url: string, options: { name?: string } = {}): Promise<RedisCache> {
    const redis = new Redis(url, {
      connectionName: options.name,
      lazyConnect: true,
      // Fail commands fast while Redis is down rather than queueing them behind a dead connection.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    redis.on('error', () => undefined); // surfaced through failed commands and readiness, not as crashes
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect(); // else ioredis keeps reconnecting in the background, holding the process open
      throw error;
    }
    return new RedisCache(redis);
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs) await this.redis.set(key, value, 'PX', ttlMs);
    else await this.redis.set(key, value);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async increment(key: string, windowMs: number): Promise<{ value: number; ttlMs: number }> {
    const [value, ttlMs] = (await this.redis.eval(INCREMENT, 1, key, windowMs)) as [number, number];
    return { value, ttlMs };
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
