import { until } from '@diaspora/testing';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { PollingWorker } from '../src/runtime/polling-worker.js';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('PollingWorker', () => {
  it('runs a pass, waits the interval, and runs at once when woken', async () => {
    let passes = 0;
    const worker = new PollingWorker(async () => void passes++, { name: 't', intervalMs: 60_000, logger });
    worker.start();
    await until(() => passes === 1, { timeoutMs: 2000 });
    worker.wake();
    await until(() => passes === 2, { timeoutMs: 2000 });
    await worker.stop();
    expect(passes).toBe(2);
  });

  it('does not lose a wake that arrives during a pass', async () => {
    let passes = 0;
    let release: () => void = () => {};
    const worker = new PollingWorker(
      async () => {
        passes++;
        if (passes === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      { name: 't', intervalMs: 60_000, logger },
    );
    worker.start();
    await until(() => passes === 1, { timeoutMs: 2000 });
    worker.wake();
    release();
    await until(() => passes === 2, { timeoutMs: 2000 });
    await worker.stop();
  });

  it('retries a failing pass after the interval and ends on done', async () => {
    let attempts = 0;
    const worker = new PollingWorker(
      async () => {
        attempts++;
        if (attempts < 3) throw new Error('not yet');
        return 'done';
      },
      { name: 't', intervalMs: 10, logger },
    );
    worker.start();
    await until(() => attempts === 3, { timeoutMs: 2000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(attempts).toBe(3);
    await worker.stop();
  });

  it('stop waits for the pass in flight', async () => {
    let finished = false;
    const worker = new PollingWorker(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        finished = true;
        return undefined;
      },
      { name: 't', intervalMs: 60_000, logger },
    );
    worker.start();
    await worker.stop();
    expect(finished).toBe(true);
  });
});
