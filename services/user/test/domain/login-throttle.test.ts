import { MemoryCache } from '@diaspora/service-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/domain/login-throttle.js';

const settings = {
  maxAccountFailures: 5,
  maxIpFailures: 1000,
  windowSeconds: 900,
  baseLockSeconds: 30,
  maxLockSeconds: 900,
  accountDelayAfter: 3,
  maxDelayMs: 2000,
};

const cache = new MemoryCache();
afterEach(() => cache.close());

describe('LoginThrottle soft delay', () => {
  it('slows an account attacked from many IPs, doubling to a cap, and never locks it for a fresh IP', async () => {
    const slept: number[] = [];
    const throttle = new LoginThrottle(cache, settings, async (ms) => {
      slept.push(ms);
    });
    const email = 'target@example.com';
    // A botnet: one failure from each of 8 addresses (no pair reaches its lock).
    for (let i = 0; i < 8; i++) {
      await throttle.check(email, `192.0.2.${i}`);
      await throttle.failed(email, `192.0.2.${i}`);
    }
    expect(slept).toEqual([250, 500, 1000, 2000, 2000]);
    // The owner from home: delayed, not refused; their success ends the delay.
    await expect(throttle.check(email, '198.51.100.7')).resolves.toBeUndefined();
    expect(slept.at(-1)).toBe(2000);
    await throttle.succeeded(email, '198.51.100.7');
    slept.length = 0;
    await throttle.check(email, '198.51.100.7');
    expect(slept).toEqual([]);
  });

  it('does not delay other accounts, and locks only the failing pair', async () => {
    const slept: number[] = [];
    const throttle = new LoginThrottle(cache, { ...settings, accountDelayAfter: 100 }, async (ms) => {
      slept.push(ms);
    });
    for (let i = 0; i < 5; i++) await throttle.failed('victim@example.com', '203.0.113.1');
    await expect(throttle.check('victim@example.com', '203.0.113.1')).rejects.toMatchObject({ status: 429 });
    await expect(throttle.check('victim@example.com', '203.0.113.2')).resolves.toBeUndefined();
    await expect(throttle.check('other@example.com', '203.0.113.1')).resolves.toBeUndefined();
    expect(slept).toEqual([]);
  });
});
