import { sleep, until } from '@diaspora/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/bus/memory.js';
import { NatsBus } from '../../src/bus/nats.js';
import type { BusSubscription, Delivery, EventBus, SubscribeOptions } from '../../src/bus/types.js';
import { deleteNatsStreams, uniqueDomain } from './helpers.js';

interface Opened {
  bus: EventBus;
  deadLetters: { delivery: Delivery; error: unknown }[];
}

interface Adapter {
  /** A fresh bus whose dead letters are recorded. */
  open(): Promise<Opened>;
  /** Removes what the tests left on a shared server. */
  cleanup?(domains: string[]): Promise<void>;
}

const text = (data: Uint8Array) => new TextDecoder().decode(data);
const bytes = (value: string) => new TextEncoder().encode(value);

/** One contract, run against every adapter: what a service may rely on whichever bus it was given. */
export function describeBusContract(name: string, adapter: Adapter): void {
  describe(`EventBus contract: ${name}`, () => {
    const domains: string[] = [];
    const buses: EventBus[] = [];
    const subscriptions: BusSubscription[] = [];
    const releases: (() => void)[] = [];

    /** A promise a handler can wait on; afterEach opens any a failed test left shut. */
    const gate = () => {
      let release!: () => void;
      const closed = new Promise<void>((resolve) => {
        release = resolve;
      });
      releases.push(release);
      return { closed, release };
    };

    const domain = () => {
      const value = uniqueDomain();
      domains.push(value);
      return value;
    };
    const open = async () => {
      const opened = await adapter.open();
      buses.push(opened.bus);
      return opened;
    };
    /** Subscribes with a handler that records every delivery (after running `behaviour`, which may throw). */
    const record = async (
      bus: EventBus,
      options: Omit<SubscribeOptions, 'handler'>,
      behaviour?: (delivery: Delivery) => Promise<void> | void,
    ) => {
      const seen: Delivery[] = [];
      const subscription = await bus.subscribe({
        ...options,
        handler: async (delivery) => {
          seen.push(delivery);
          await behaviour?.(delivery);
        },
      });
      subscriptions.push(subscription);
      return { seen, subscription, ids: () => seen.map((d) => d.id) };
    };
    const publish = (bus: EventBus, subject: string, id: string, headers?: Record<string, string>) =>
      bus.publish({ id, subject, data: bytes(`payload of ${id}`), headers });

    afterEach(async () => {
      for (const release of releases.splice(0)) release();
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
      await Promise.all(buses.splice(0).map((b) => b.close()));
    });
    afterAll(async () => {
      await adapter.cleanup?.(domains);
    });

    it('delivers a published message with its payload, headers, id and deliveryCount 1', async () => {
      const { bus } = await open();
      const d = domain();
      const sub = await record(bus, { subject: `${d}.user.registered`, durable: 'mailer' });
      const result = await publish(bus, `${d}.user.registered`, 'evt-1', {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'X-Tenant': 'fr',
      });
      expect(result).toEqual({ duplicate: false });
      await until(() => sub.seen.length === 1, { what: 'the delivery' });
      const [delivery] = sub.seen;
      expect(delivery).toMatchObject({ id: 'evt-1', subject: `${d}.user.registered`, deliveryCount: 1 });
      expect(text(delivery!.data)).toBe('payload of evt-1');
      // Exactly the publisher's headers: same key case, no transport headers (Nats-Msg-Id) leaking through.
      expect(delivery!.headers).toEqual({
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'X-Tenant': 'fr',
      });
    });

    it('drops a duplicate id within the window and delivers the message once', async () => {
      const { bus } = await open();
      const d = domain();
      const sub = await record(bus, { subject: `${d}.>`, durable: 'once' });
      expect(await publish(bus, `${d}.post.created`, 'dup-1')).toEqual({ duplicate: false });
      expect(await publish(bus, `${d}.post.created`, 'dup-1')).toEqual({ duplicate: true });
      // A later message arrives after any copy of the earlier one would have.
      await publish(bus, `${d}.post.created`, 'sentinel');
      await until(() => sub.ids().includes('sentinel'), { what: 'the sentinel' });
      expect(sub.ids()).toEqual(['dup-1', 'sentinel']);
    });

    it('redelivers after a throw, with deliveryCount 2, after the retry delay', async () => {
      const { bus } = await open();
      const d = domain();
      const times: number[] = [];
      const sub = await record(bus, { subject: `${d}.order.placed`, durable: 'flaky', retryDelaysMs: [150] }, (x) => {
        times.push(Date.now());
        if (x.deliveryCount === 1) throw new Error('transient');
      });
      await publish(bus, `${d}.order.placed`, 'retry-1', { attempt: 'same' });
      await until(() => sub.seen.length === 2, { what: 'the redelivery' });
      expect(sub.seen.map((x) => [x.id, x.deliveryCount])).toEqual([
        ['retry-1', 1],
        ['retry-1', 2],
      ]);
      expect(sub.seen[1]!.headers).toEqual({ attempt: 'same' });
      expect(text(sub.seen[1]!.data)).toBe('payload of retry-1');
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(140);
    });

    it('dead-letters after maxDeliver failures and stops delivering that message', async () => {
      const { bus, deadLetters } = await open();
      const d = domain();
      const sub = await record(
        bus,
        { subject: `${d}.>`, durable: 'doomed', maxDeliver: 3, retryDelaysMs: [20, 30] },
        (x) => {
          if (x.id === 'poison') throw new Error(`cannot handle ${x.id}`);
        },
      );
      await publish(bus, `${d}.job.queued`, 'poison');
      await until(() => deadLetters.length === 1, { what: 'the dead letter' });
      expect(deadLetters[0]!.delivery).toMatchObject({ id: 'poison', deliveryCount: 3 });
      expect(String(deadLetters[0]!.error)).toContain('cannot handle poison');
      // Proving an absence needs a bound: several retry delays, then a sentinel that must be the only newcomer.
      await sleep(150);
      await publish(bus, `${d}.job.queued`, 'sentinel');
      await until(() => sub.ids().includes('sentinel'), { what: 'the sentinel' });
      expect(sub.seen.map((x) => `${x.id}#${x.deliveryCount}`)).toEqual([
        'poison#1',
        'poison#2',
        'poison#3',
        'sentinel#1',
      ]);
      expect(deadLetters).toHaveLength(1);
    });

    it('splits the work of one durable between its subscribers, each message handled once', async () => {
      const { bus } = await open();
      const d = domain();
      const handledBy = new Map<string, string[]>();
      const worker = (tag: string) => async (x: Delivery) => {
        handledBy.set(x.id, [...(handledBy.get(x.id) ?? []), tag]);
        await sleep(5); // long enough that one worker cannot drain the queue alone before the other asks
      };
      await record(bus, { subject: `${d}.photo.uploaded`, durable: 'thumbnails' }, worker('a'));
      await record(bus, { subject: `${d}.photo.uploaded`, durable: 'thumbnails' }, worker('b'));
      const ids = Array.from({ length: 20 }, (_, i) => `photo-${i}`);
      for (const id of ids) await publish(bus, `${d}.photo.uploaded`, id);
      await until(() => handledBy.size === ids.length, { what: 'all photos handled' });
      expect([...handledBy.keys()].sort()).toEqual([...ids].sort());
      for (const [id, tags] of handledBy) expect(tags, id).toHaveLength(1);
      const tags = new Set([...handledBy.values()].flat());
      expect(tags).toEqual(new Set(['a', 'b']));
    });

    it('gives every message to each of two different durables, in publish order', async () => {
      const { bus } = await open();
      const d = domain();
      const search = await record(bus, { subject: `${d}.event.created`, durable: 'search' });
      const feed = await record(bus, { subject: `${d}.event.created`, durable: 'feed' });
      const ids = ['e1', 'e2', 'e3', 'e4', 'e5'];
      for (const id of ids) await publish(bus, `${d}.event.created`, id);
      await until(() => search.seen.length === 5 && feed.seen.length === 5, { what: 'both durables' });
      expect(search.ids()).toEqual(ids);
      expect(feed.ids()).toEqual(ids);
    });

    it('stop() waits for the in-flight handler only; the durable resumes with the rest and what came meanwhile', async () => {
      const { bus } = await open();
      const d = domain();
      const { closed: gated, release } = gate();
      const finished: string[] = [];
      const first = await record(bus, { subject: `${d}.>`, durable: 'indexer' }, async (x) => {
        if (x.id === 'slow') await gated;
        finished.push(x.id);
      });
      await publish(bus, `${d}.doc.saved`, 'slow');
      await until(() => first.seen.length === 1, { what: 'the slow handler to start' });
      for (const id of ['queued-1', 'queued-2', 'queued-3']) await publish(bus, `${d}.doc.saved`, id);

      let stopped = false;
      const stopping = first.subscription.stop().then(() => {
        stopped = true;
      });
      await sleep(50);
      expect(stopped).toBe(false);
      release();
      await stopping;
      // Stopping takes nothing new: the queued messages stay with the durable instead of being handled here.
      expect(finished).toEqual(['slow']);
      expect(first.ids()).toEqual(['slow']);

      for (const id of ['while-stopped-1', 'while-stopped-2']) await publish(bus, `${d}.doc.saved`, id);
      const second = await record(bus, { subject: `${d}.>`, durable: 'indexer' });
      await until(() => second.seen.length === 5, { what: 'the resumed deliveries' });
      expect(second.ids()).toEqual(['queued-1', 'queued-2', 'queued-3', 'while-stopped-1', 'while-stopped-2']);
      expect(second.seen.slice(3).map((x) => x.deliveryCount)).toEqual([1, 1]);
      // The acked message does not come back.
      await publish(bus, `${d}.doc.saved`, 'sentinel');
      await until(() => second.ids().includes('sentinel'), { what: 'the sentinel' });
      expect(second.ids()).not.toContain('slow');
      expect(first.ids()).toEqual(['slow']);
    });

    // ackWait 800 ms with handlers well past it: long enough not to trip on a busy CI machine's event-loop stalls.
    it('does not redeliver the messages waiting behind a slow handler when ackWait passes', async () => {
      const { bus } = await open();
      const d = domain();
      const sub = await record(bus, { subject: `${d}.>`, durable: 'slowpoke', ackWaitMs: 800 }, () => sleep(300));
      const ids = ['s1', 's2', 's3', 's4', 's5'];
      for (const id of ids) await publish(bus, `${d}.video.encoded`, id);
      // The last ones start 900 and 1200 ms after all were published: a client-side prefetch would have let
      // their ackWait run out and the server send them again.
      await until(() => ids.every((id) => sub.ids().includes(id)), { what: 'all handled', timeoutMs: 10_000 });
      await publish(bus, `${d}.video.encoded`, 'sentinel');
      await until(() => sub.ids().includes('sentinel'), { what: 'the sentinel', timeoutMs: 10_000 });
      expect(sub.seen.map((x) => `${x.id}#${x.deliveryCount}`)).toEqual([...ids, 'sentinel'].map((id) => `${id}#1`));
    });

    it("keeps a slow handler's message its own past ackWait", async () => {
      const { bus } = await open();
      const d = domain();
      const sub = await record(bus, { subject: `${d}.>`, durable: 'marathon', ackWaitMs: 800 }, async (x) => {
        if (x.id === 'long') await sleep(2000);
      });
      await publish(bus, `${d}.report.requested`, 'long');
      await publish(bus, `${d}.report.requested`, 'sentinel');
      await until(() => sub.ids().includes('sentinel'), { what: 'the sentinel', timeoutMs: 10_000 });
      expect(sub.seen.map((x) => `${x.id}#${x.deliveryCount}`)).toEqual(['long#1', 'sentinel#1']);
    });

    it('applies the latest maxDeliver to an existing durable', async () => {
      const { bus, deadLetters } = await open();
      const d = domain();
      const first = await record(bus, { subject: `${d}.>`, durable: 'evolving', maxDeliver: 2 });
      await first.subscription.stop();
      const failing = await record(
        bus,
        { subject: `${d}.>`, durable: 'evolving', maxDeliver: 4, retryDelaysMs: [10] },
        () => {
          throw new Error('always');
        },
      );
      await publish(bus, `${d}.invoice.issued`, 'inv-1');
      await until(() => deadLetters.length === 1, { what: 'the dead letter' });
      expect(failing.seen.map((x) => x.deliveryCount)).toEqual([1, 2, 3, 4]);
      expect(deadLetters[0]!.delivery.deliveryCount).toBe(4);
    });

    it('filters subjects with * (one token) and > (the rest)', async () => {
      const { bus } = await open();
      const d = domain();
      const created = await record(bus, { subject: `${d}.*.created`, durable: 'created' });
      const everything = await record(bus, { subject: `${d}.>`, durable: 'everything' });
      const subjects = ['user.created', 'user.deleted', 'group.created', 'user.profile.created', 'end.created'];
      for (const [i, s] of subjects.entries()) await publish(bus, `${d}.${s}`, `m${i}`);
      await until(() => created.ids().includes('m4') && everything.ids().includes('m4'), {
        what: 'the last message on both',
      });
      expect(created.seen.map((x) => x.subject)).toEqual([
        `${d}.user.created`,
        `${d}.group.created`,
        `${d}.end.created`,
      ]);
      expect(everything.seen.map((x) => x.subject)).toEqual(subjects.map((s) => `${d}.${s}`));
    });

    it('lets a new durable see the messages already retained', async () => {
      const { bus } = await open();
      const d = domain();
      for (const id of ['old-1', 'old-2', 'old-3']) await publish(bus, `${d}.listing.posted`, id);
      const late = await record(bus, { subject: `${d}.listing.posted`, durable: 'late-joiner' });
      await until(() => late.seen.length === 3, { what: 'the retained messages' });
      expect(late.ids()).toEqual(['old-1', 'old-2', 'old-3']);
      await publish(bus, `${d}.listing.posted`, 'new-1');
      await until(() => late.seen.length === 4, { what: 'the new message' });
      expect(late.ids()).toEqual(['old-1', 'old-2', 'old-3', 'new-1']);
    });

    it('refuses to reuse a durable with a different filter', async () => {
      const { bus } = await open();
      const d = domain();
      await record(bus, { subject: `${d}.a.>`, durable: 'fixed' });
      await expect(record(bus, { subject: `${d}.b.>`, durable: 'fixed' })).rejects.toThrow(/filter/);
    });

    it('rejects a subject without a concrete domain', async () => {
      const { bus } = await open();
      await expect(bus.subscribe({ subject: '*.user.created', durable: 'x', handler: async () => {} })).rejects.toThrow(
        /concrete domain/,
      );
      await expect(publish(bus, '>', 'x')).rejects.toThrow(/concrete domain/);
    });

    it('close() lets the in-flight handler finish and ack; afterwards publish and ping reject', async () => {
      const { bus } = await open();
      const d = domain();
      const { closed: gated, release } = gate();
      const sub = await record(bus, { subject: `${d}.>`, durable: 'closing' }, async (x) => {
        if (x.id === 'in-flight') await gated;
      });
      await expect(bus.ping()).resolves.toBeUndefined();
      await publish(bus, `${d}.x.y`, 'in-flight');
      await until(() => sub.seen.length === 1, { what: 'the handler to start' });
      let closed = false;
      const closing = bus.close().then(() => {
        closed = true;
      });
      await sleep(50);
      expect(closed).toBe(false);
      release();
      await closing;
      await expect(publish(bus, `${d}.x.y`, 'after-close')).rejects.toThrow();
      await expect(bus.ping()).rejects.toThrow();
      await sub.subscription.stop();

      // Acked before the connection went: a new bus on the same durable does not get it again.
      const { bus: next } = await open();
      if (next.kind === 'memory') return; // in-process state dies with the bus
      const resumed = await record(next, { subject: `${d}.>`, durable: 'closing' });
      await publish(next, `${d}.x.y`, 'sentinel');
      await until(() => resumed.ids().includes('sentinel'), { what: 'the sentinel' });
      expect(resumed.ids()).toEqual(['sentinel']);
    });
  });
}

describeBusContract('MemoryBus', {
  async open() {
    const deadLetters: Opened['deadLetters'] = [];
    return {
      bus: new MemoryBus({ onDeadLetter: (delivery, error) => deadLetters.push({ delivery, error }) }),
      deadLetters,
    };
  },
});

const natsUrl = process.env.NATS_URL;
if (natsUrl) {
  describeBusContract(`NatsBus (${natsUrl})`, {
    async open() {
      const deadLetters: Opened['deadLetters'] = [];
      const bus = await NatsBus.connect(natsUrl, {
        name: 'bus-contract-test',
        onDeadLetter: (delivery, error) => deadLetters.push({ delivery, error }),
      });
      return { bus, deadLetters };
    },
    cleanup: (domains) => deleteNatsStreams(natsUrl, domains),
  });
} else {
  console.warn('NATS contract tests skipped: set NATS_URL to run them against a real nats-server -js');
  describe.skip('EventBus contract: NatsBus (set NATS_URL)', () => {
    it('runs against a real nats-server -js', () => {});
  });
}
