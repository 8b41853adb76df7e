import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type EventFigures, type Ledger, openLedger, printEvents } from './events.js';
import { type LoadFigures, printLoad, startLoad } from './load.js';
import { attach, ready, waitFor } from './platform.js';

const platform = attach(inject('platform'));
let ledger: Ledger;
beforeAll(async () => {
  ledger = await openLedger(platform.info.servers.POSTGRES_URL!, platform.info.servers.NATS_URL!);
});
afterAll(async () => {
  await ledger?.close();
});

/** The services the load writes to, and the two with the most consumers; of messaging and content the first instance. */
const VICTIMS = ['user', 'event', 'content', 'messaging', 'notification', 'search'];

describe('kill -9 of each service in turn, under load', () => {
  it('loses no acknowledged write and no domain event', async () => {
    const mark = await ledger.mark();
    const load = await startLoad(platform.gatewayUrl);
    const downtimes: string[] = [];
    for (const id of VICTIMS) {
      const victim = platform.process(id);
      const killedAt = Date.now();
      load.phase(`${id} killed`);
      process.kill(victim.pid, 'SIGKILL');
      // The supervisor restarts it (a pod's restartPolicy): a new pid, ready on the same ports.
      await waitFor(`${id} to come back after kill -9`, async () => {
        const now = platform.process(id);
        return now.pid !== victim.pid && (await ready(now.http));
      });
      downtimes.push(`${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
      console.log(`[chaos] kill -9 ${id}: back (restarted and ready) after ${downtimes.at(-1)}`);
    }
    load.phase('all back');
    await new Promise((r) => setTimeout(r, 2000)); // some load on the restarted services too
    await load.stop();
    const figures: LoadFigures = await load.verify(ledger.existing);
    printLoad('kill -9 of every service in turn', figures);
    const events: EventFigures = await ledger.account(mark);
    printEvents('kill -9 of every service in turn', events);

    expect(figures.lost).toBe(0);
    expect(Object.keys(load.countsByWriter()).sort()).toEqual(['event', 'message', 'post', 'registration']);
    expect(events.lost).toBe(0);
    expect(events.published).toBeGreaterThan(0);
    expect(events.consumed).toBe(events.published);
  }, 360_000);
});
