import { randomBytes } from 'node:crypto';
import { sleep } from '@diaspora/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openPresence } from '../../src/presence/open.js';
import type { PresenceRegistry } from '../../src/presence/types.js';

interface Adapter {
  url(): string;
  cleanup?(namespace: string): Promise<void>;
}

/** One contract for every adapter, through `openPresence` as services use it. */
export function describePresenceContract(name: string, adapter: Adapter): void {
  describe(`PresenceRegistry contract: ${name}`, () => {
    const namespace = `presence-contract-${randomBytes(4).toString('hex')}`;
    const handles: PresenceRegistry[] = [];
    const open = async () => {
      const registry = await openPresence(adapter.url(), { namespace });
      handles.push(registry);
      return registry;
    };
    let sequence = 0;
    const user = () => `usr_${namespace}_${++sequence}`;
    afterEach(async () => {
      await Promise.all(handles.splice(0).map((registry) => registry.close()));
    });
    afterAll(() => adapter.cleanup?.(namespace));

    it('reports the offline → online and online → offline transitions across holders exactly once', async () => {
      const [a, b] = [await open(), await open()];
      const amina = user();
      expect(await a.add(amina, 'instance-1', 10_000)).toBe(true);
      expect(await a.add(amina, 'instance-1', 10_000)).toBe(false); // same holder again: no transition
      expect(await b.add(amina, 'instance-2', 10_000)).toBe(false); // another holder: still online
      expect((await a.holders(amina)).sort()).toEqual(['instance-1', 'instance-2']);
      expect(await a.remove(amina, 'instance-1')).toBe(false);
      expect(await b.remove(amina, 'instance-1')).toBe(false); // not a holder any more
      expect(await b.remove(amina, 'instance-2')).toBe(true);
      expect(await a.holders(amina)).toEqual([]);
      expect(await a.remove(amina, 'instance-2')).toBe(false);
    });

    it('answers which users are online, in one call', async () => {
      const registry = await open();
      const [amina, kofi, awa] = [user(), user(), user()];
      await registry.add(amina, 'instance-1', 10_000);
      await registry.add(awa, 'instance-2', 10_000);
      expect(await registry.online([amina, kofi, awa])).toEqual(new Set([amina, awa]));
      expect(await registry.online([])).toEqual(new Set());
    });

    it('forgets a holder that stopped refreshing (a crashed instance), while refreshed ones stay', async () => {
      const registry = await open();
      const [amina, kofi] = [user(), user()];
      await registry.add(amina, 'crashed', 150);
      await registry.add(kofi, 'alive', 150);
      await registry.add(amina, 'alive', 150);
      await sleep(80);
      await registry.refresh([amina, kofi], 'alive', 150);
      await sleep(100);
      expect(await registry.holders(amina)).toEqual(['alive']);
      expect(await registry.online([amina, kofi])).toEqual(new Set([amina, kofi]));
      await sleep(200);
      expect(await registry.online([amina, kofi])).toEqual(new Set());
      // The user came back after expiring: that is a new transition.
      expect(await registry.add(amina, 'alive', 10_000)).toBe(true);
    });

    it('keeps services apart by namespace', async () => {
      const ours = await open();
      const theirs = await openPresence(adapter.url(), { namespace: `${namespace}-other` });
      handles.push(theirs);
      const amina = user();
      await ours.add(amina, 'instance-1', 10_000);
      expect(await theirs.online([amina])).toEqual(new Set());
      await expect(ours.ping()).resolves.toBeUndefined();
    });
  });
}

describePresenceContract('memory', { url: () => `memory://presence-contract-${process.pid}` });

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  describePresenceContract(`RedisPresence (${redisUrl})`, {
    url: () => redisUrl,
    async cleanup(namespace) {
      const redis = new Redis(redisUrl);
      try {
        const keys = await redis.keys(`${namespace}*`);
        if (keys.length) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    },
  });
} else {
  console.warn('Redis presence contract tests skipped: set REDIS_URL to run them against a real redis-server');
  describe.skip('PresenceRegistry contract: RedisPresence (set REDIS_URL)', () => {
    it('runs against a real redis-server', () => {});
  });
}
