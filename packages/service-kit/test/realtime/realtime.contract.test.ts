import { randomBytes } from 'node:crypto';
import { sleep, until } from '@diaspora/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRealtime } from '../../src/realtime/memory.js';
import { NatsRealtime } from '../../src/realtime/nats.js';
import { openRealtime } from '../../src/realtime/open.js';
import type { RealtimeBus, RealtimeMessage } from '../../src/realtime/types.js';

interface Adapter {
  /** Two handles on one broker, as two instances of a service would have. */
  open(): Promise<RealtimeBus>;
}

const text = (data: Uint8Array) => new TextDecoder().decode(data);
const bytes = (value: string) => new TextEncoder().encode(value);

/** One contract, run against every adapter: what instances may rely on for live fan-out. */
export function describeRealtimeContract(name: string, adapter: Adapter): void {
  describe(`RealtimeBus contract: ${name}`, () => {
    const handles: RealtimeBus[] = [];
    // A fresh subject root per test keeps parallel runs on one nats-server apart.
    let root = '';
    const open = async () => {
      const bus = await adapter.open();
      handles.push(bus);
      return bus;
    };
    const record = (bus: RealtimeBus, subject: string) => {
      const seen: RealtimeMessage[] = [];
      const subscription = bus.subscribe(subject, (message) => seen.push(message));
      return { seen, subscription, texts: () => seen.map((message) => text(message.data)) };
    };
    afterEach(async () => {
      await Promise.all(handles.splice(0).map((bus) => bus.close()));
    });
    const subject = (...tokens: string[]) => {
      root ||= `rt.t${randomBytes(4).toString('hex')}`;
      return [root, ...tokens].join('.');
    };

    it('delivers to subscribers of other handles, in publish order, never inside publish', async () => {
      root = '';
      const [a, b] = [await open(), await open()];
      const inbox = record(b, subject('user', 'usr_1'));
      await b.flush();
      for (let i = 0; i < 50; i++) a.publish(subject('user', 'usr_1'), bytes(`m${i}`));
      expect(inbox.seen).toHaveLength(0); // asynchronous delivery
      await until(() => inbox.seen.length === 50, { what: '50 messages' });
      expect(inbox.texts()).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
      expect(inbox.seen[0]!.subject).toBe(subject('user', 'usr_1'));
    });

    it('fans out to every subscriber of a subject, on any handle, and only to matching subjects', async () => {
      root = '';
      const [a, b] = [await open(), await open()];
      const first = record(a, subject('user', 'usr_1'));
      const second = record(b, subject('user', 'usr_1'));
      const other = record(b, subject('user', 'usr_2'));
      await Promise.all([a.flush(), b.flush()]);
      a.publish(subject('user', 'usr_1'), bytes('hello'));
      await until(() => first.seen.length === 1 && second.seen.length === 1, { what: 'both subscribers' });
      await sleep(50);
      expect(other.seen).toHaveLength(0);
    });

    it('matches * and > wildcards as NATS does', async () => {
      root = '';
      const bus = await open();
      const star = record(bus, subject('presence', '*'));
      const tail = record(bus, subject('>'));
      await bus.flush();
      bus.publish(subject('presence', 'usr_1'), bytes('1'));
      bus.publish(subject('presence', 'usr_1', 'extra'), bytes('2'));
      await until(() => tail.seen.length === 2, { what: 'tail gets both' });
      await sleep(50);
      expect(star.texts()).toEqual(['1']);
    });

    it('stores nothing: a subscriber joining later gets only what is published after it', async () => {
      root = '';
      const [a, b] = [await open(), await open()];
      a.publish(subject('user', 'usr_1'), bytes('before'));
      await a.flush();
      const inbox = record(b, subject('user', 'usr_1'));
      await b.flush();
      a.publish(subject('user', 'usr_1'), bytes('after'));
      await until(() => inbox.seen.length >= 1, { what: 'the later message' });
      await sleep(50);
      expect(inbox.texts()).toEqual(['after']);
    });

    it('stops delivering after unsubscribe and after close; a throwing handler does not starve the others', async () => {
      root = '';
      const [a, b] = [await open(), await open()];
      const throwing = b.subscribe(subject('user', 'usr_1'), () => {
        throw new Error('handler bug');
      });
      const kept = record(b, subject('user', 'usr_1'));
      const dropped = record(b, subject('user', 'usr_1'));
      await b.flush();
      a.publish(subject('user', 'usr_1'), bytes('one'));
      await until(() => kept.seen.length === 1 && dropped.seen.length === 1, { what: 'first message' });
      dropped.subscription.unsubscribe();
      throwing.unsubscribe();
      await b.flush();
      a.publish(subject('user', 'usr_1'), bytes('two'));
      await until(() => kept.seen.length === 2, { what: 'second message' });
      await sleep(50);
      expect(dropped.texts()).toEqual(['one']);

      await b.close();
      a.publish(subject('user', 'usr_1'), bytes('three'));
      await a.flush();
      await sleep(50);
      expect(kept.texts()).toEqual(['one', 'two']);
      expect(() => b.publish(subject('user', 'usr_1'), bytes('x'))).toThrow();
    });

    it('refuses subjects with empty tokens, spaces or wildcards where they make no sense', async () => {
      const bus = await open();
      expect(() => bus.publish('rt..user', bytes('x'))).toThrow(/invalid realtime subject/);
      expect(() => bus.publish('rt.user.*', bytes('x'))).toThrow(/invalid realtime subject/);
      expect(() => bus.publish('rt.user name', bytes('x'))).toThrow(/invalid realtime subject/);
      expect(() => bus.subscribe('rt.>.user', () => undefined)).toThrow(/invalid realtime subject/);
      await expect(bus.ping()).resolves.toBeUndefined();
    });
  });
}

describeRealtimeContract('memory (openRealtime)', {
  // Every handle of one test shares the URL, as instances in one process do.
  open: () => openRealtime(`memory://realtime-contract-${process.pid}`, { name: 'contract' }),
});

describe('MemoryRealtime', () => {
  it('keeps buses of different URLs apart', async () => {
    const a = await openRealtime('memory://one', { name: 'a' });
    const b = await openRealtime('memory://two', { name: 'b' });
    const seen: string[] = [];
    b.subscribe('rt.x', (message) => seen.push(text(message.data)));
    a.publish('rt.x', bytes('lost'));
    await sleep(20);
    expect(seen).toEqual([]);
    await Promise.all([a.close(), b.close()]);
    expect(new MemoryRealtime().kind).toBe('memory');
  });
});

const natsUrl = process.env.NATS_URL;
if (natsUrl) {
  describeRealtimeContract(`NatsRealtime (${natsUrl})`, {
    open: () => NatsRealtime.connect(natsUrl, { name: 'realtime-contract-test' }),
  });
} else {
  console.warn('NATS realtime contract tests skipped: set NATS_URL to run them against a real nats-server');
  describe.skip('RealtimeBus contract: NatsRealtime (set NATS_URL)', () => {
    it('runs against a real nats-server', () => {});
  });
}
