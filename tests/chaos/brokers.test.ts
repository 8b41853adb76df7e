import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Ledger, openLedger, printEvents } from './events.js';
import { printLoad, startLoad } from './load.js';
import { attach, servers, waitFor } from './platform.js';

const platform = attach(inject('platform'));
const OUTAGE_MS = 15_000;
let ledger: Ledger;
beforeAll(async () => {
  ledger = await openLedger(platform.info.servers.POSTGRES_URL!, platform.info.servers.NATS_URL!);
});
afterAll(async () => {
  // Whatever failed, the next test file finds its servers up.
  servers('start');
  await ledger?.close();
});

const pids = () => Object.fromEntries(platform.processes().map((p) => [p.id, p.pid]));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`broker outages of ${OUTAGE_MS / 1000} s under load`, () => {
  it('NATS stopped: writes still succeed (the outbox keeps the events), consumers catch up after, no restart', async () => {
    const before = pids();
    const mark = await ledger.mark();
    const load = await startLoad(platform.gatewayUrl);
    await pause(2000);
    servers('stop', 'nats');
    const during = { ...load.figures };
    await pause(OUTAGE_MS);
    const acknowledgedDuring = load.figures.acknowledged - during.acknowledged;
    servers('start', 'nats');
    await pause(3000);
    await load.stop();
    const figures = await load.verify(ledger.existing);
    printLoad(`NATS stopped for ${OUTAGE_MS / 1000} s`, figures);
    const events = await ledger.account(mark);
    printEvents(`NATS stopped for ${OUTAGE_MS / 1000} s`, events);

    expect(acknowledgedDuring).toBeGreaterThan(10);
    expect(figures.failed).toBe(0);
    expect(figures.lost).toBe(0);
    expect(events.lost).toBe(0);
    expect(events.consumed).toBe(events.published);
    expect(pids()).toEqual(before);
  });

  // What the kit does without Redis: caches miss (reads go to the databases), presence is off, the gateway's rate
  // limits fail open (kong.yml fault_tolerant), the user service's send limits (email, SMS, password reset) fail
  // closed, and so does the access-token deny-list: authenticated requests answer 503 + Retry-After (a token that
  // cannot be checked might be a revoked one), while sign-ups and public routes keep serving.
  it('Redis stopped: sign-ups serve, authenticated calls get 503 problems, nothing is lost, recovery alone', async () => {
    const before = pids();
    const load = await startLoad(platform.gatewayUrl);
    const limited = async () => {
      // The auth routes' per-IP limit is counted in Redis by the gateway: its headers say whether it counts.
      const refresh = await fetch(`${platform.gatewayUrl}/api/v1/users/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: 'not-a-token' }),
      });
      await refresh.body?.cancel();
      return { status: refresh.status, counted: refresh.headers.has('ratelimit-remaining') };
    };
    expect((await limited()).counted).toBe(true);
    servers('stop', 'redis');
    load.phase('redis down');
    const beforeOutage = load.countsByWriter();
    await pause(OUTAGE_MS / 2);
    const failOpen = await limited();
    await pause(OUTAGE_MS / 2);
    const signUpsDuring = (load.countsByWriter().registration ?? 0) - (beforeOutage.registration ?? 0);
    servers('start', 'redis');
    await waitFor('the gateway to count in Redis again', async () => (await limited()).counted, 30_000);
    load.phase('redis back');
    const after = load.countsByWriter();
    await pause(4000);
    await load.stop();
    const figures = await load.verify(ledger.existing);
    printLoad(`Redis stopped for ${OUTAGE_MS / 1000} s`, figures);
    const recovered = Object.entries(load.countsByWriter()).map(([writer, n]) => [writer, n > (after[writer] ?? 0)]);

    expect(failOpen.counted).toBe(false);
    expect(failOpen.status).toBeLessThan(500);
    expect(signUpsDuring).toBeGreaterThan(0);
    // Every failure an honest, retryable 503 during the outage, none after it.
    for (const key of Object.keys(figures.failures)) expect(key).toMatch(/ 503 \(redis down\)$/);
    expect(Object.fromEntries(recovered)).toEqual({
      event: true,
      message: true,
      post: true,
      registration: true,
    });
    expect(figures.lost).toBe(0);
    expect(pids()).toEqual(before);
  });
});
