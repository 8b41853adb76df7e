import { RoleRevoked } from '@diaspora/events';
import { issueTestToken, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ambassador,
  consul,
  deliver,
  eventBody,
  type Harness,
  revokeAppointments,
  startEventService,
} from '../fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await startEventService();
});
afterAll(async () => h?.close());

const post = (headers: Record<string, string>, body: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/api/v1/events', headers, payload: body });

describe('role-gated writes ask the user service, not only the token', () => {
  it('an ex-ambassador cannot create a national event, with the old token or a stale new one', async () => {
    const envoy = ambassador('FR');
    expect((await post(envoy.headers, eventBody({ type: 'national' }))).statusCode).toBe(201);

    revokeAppointments(envoy.id);
    await deliver(h.service, RoleRevoked, {
      userId: envoy.id,
      role: 'ambassador',
      country: 'FR',
      byUserId: 'usr_admin',
      at: new Date().toISOString(),
    });
    // The token is on the deny-list within seconds (every service's kit consumes users.role.revoked)…
    await until(async () => (await post(envoy.headers, eventBody({ type: 'national' }))).statusCode === 401, {
      what: 'the ex-ambassador token refused',
    });
    // …and a token still claiming the appointment (issued later) is checked against the user service.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stale = issueTestToken({ sub: envoy.id, roles: ['ambassador', 'regular'], country: 'FR' });
    const refused = await post({ authorization: `Bearer ${stale}` }, eventBody({ type: 'national' }));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toMatch(/Only ambassadors/);
  });

  it('a consul whose appointment the user service no longer holds cannot create a local event', async () => {
    const former = consul('FR', 'Paris');
    revokeAppointments(former.id);
    expect((await post(former.headers, eventBody({ type: 'local' }))).statusCode).toBe(403);
  });
});
