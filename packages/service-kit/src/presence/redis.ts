import { Redis } from 'ioredis';
import type { PresenceRegistry } from './types.js';

// One hash per user: field = holder, value = expiry in ms of the Redis clock (one clock for every instance).
// Each script drops expired fields first, so answers never count a crashed instance past its expiry.
const PRUNE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local entries = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #entries, 2 do
  if tonumber(entries[i + 1]) <= now then redis.call('HDEL', KEYS[1], entries[i]) else live[entries[i]] = true end
end`;

// Returns 1 when the user had no live holder before this add.
const ADD = `${PRUNE}
local before = next(live) == nil
local ttl = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d', now + ttl))
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
if before then return 1 end
return 0`;

// Returns 1 when the holder was live and no live holder remains.
const REMOVE = `${PRUNE}
if not live[ARGV[1]] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
live[ARGV[1]] = nil
if next(live) == nil then return 1 end
return 0`;

// The live holders.
const HOLDERS = `${PRUNE}
local out = {}
for holder in pairs(live) do out[#out + 1] = holder end
return out`;

type ScriptedRedis = Redis & {
  presenceAdd(key: string, holder: string, ttlMs: number): Promise<number>;
  presenceRemove(key: string, holder: string): Promise<number>;
  presenceHolders(key: string): Promise<string[]>;
};

/** Redis adapter: one key per user, each update one atomic script, so concurrent instances never race. */
export class RedisPresence implements PresenceRegistry {
  readonly kind = 'redis';

  private constructor(
    private readonly redis: ScriptedRedis,
    private readonly prefix: string,
  ) {}

  static async connect(url: string, options: { namespace: string }): Promise<RedisPresence> {
    const redis = new Redis(url, {
      connectionName: `${options.namespace}-presence`,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    redis.on('error', () => undefined); // surfaced through failed commands and readiness
    redis.defineCommand('presenceAdd', { numberOfKeys: 1, lua: ADD });
    redis.defineCommand('presenceRemove', { numberOfKeys: 1, lua: REMOVE });
    redis.defineCommand('presenceHolders', { numberOfKeys: 1, lua: HOLDERS });
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    return new RedisPresence(redis as ScriptedRedis, `${options.namespace}:presence:`);
  }

  private key(userId: string): string {
    return `${this.prefix}${userId}`;
  }

  async add(userId: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.presenceAdd(this.key(userId), holder, ttlMs)) === 1;
  }

  async remove(userId: string, holder: string): Promise<boolean> {
    return (await this.redis.presenceRemove(this.key(userId), holder)) === 1;
  }

  async refresh(userIds: string[], holder: string, ttlMs: number): Promise<void> {
    if (userIds.length === 0) return;
    const pipeline = this.redis.pipeline() as unknown as {
      presenceAdd(key: string, holder: string, ttlMs: number): void;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (const userId of userIds) pipeline.presenceAdd(this.key(userId), holder, ttlMs);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async online(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    // One script per key (pipelined in one round trip) keeps this valid on Redis Cluster too.
    const pipeline = this.redis.pipeline() as unknown as {
      presenceHolders(key: string): void;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (const userId of userIds) pipeline.presenceHolders(this.key(userId));
    const results = (await pipeline.exec()) ?? [];
    const online = new Set<string>();
    results.forEach(([error, holders], i) => {
      if (error) throw error;
      if ((holders as string[]).length > 0) online.add(userIds[i]!);
    });
    return online;
  }

  holders(userId: string): Promise<string[]> {
    return this.redis.presenceHolders(this.key(userId));
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
