import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, consulOf, fakeUser, type Harness, startAdmin, superUser } from '../fixtures.js';

const root = superUser();
const otherRoot = superUser('Second root');
const consul = consulOf('FR', 'Paris');
const amina = fakeUser({ displayName: 'Amina Diallo' });
let h: Harness;

beforeAll(async () => {
  h = await startAdmin([root, otherRoot, consul, amina]);
});
afterAll(() => h.close());

const post = (url: string, payload: unknown, who = root) =>
  h.app.inject({ method: 'POST', url, headers: auth(who), payload: payload as object });

describe('members', () => {
  it('finds a member by name and status', async () => {
    const found = await h.app.inject({ method: 'GET', url: '/api/v1/admin/users?q=amina', headers: auth(root) });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual({
      items: [expect.objectContaining({ id: amina.id, displayName: 'Amina Diallo', status: 'active' })],
      nextCursor: null,
    });
    const suspended = await h.app.inject({
      method: 'GET',
      url: '/api/v1/admin/users?status=suspended',
      headers: auth(root),
    });
    expect(suspended.json().items).toEqual([]);
    const bad = await h.app.inject({
      method: 'GET',
      url: '/api/v1/admin/users?cursor=forged.sig',
      headers: auth(root),
    });
    expect(bad.statusCode).toBe(400);
  });

  it('suspends with a reason and an end, audits it, and reinstates', async () => {
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const suspended = await post(`/api/v1/admin/users/${amina.id}/suspend`, { reason: 'harassment', until });
    expect(suspended.statusCode).toBe(200);
    expect(suspended.json()).toMatchObject({
      status: 'suspended',
      suspensionReason: 'harassment',
      suspendedUntil: until,
    });
    expect(h.users.users.get(amina.id)?.status).toBe('suspended');

    const detail = await h.app.inject({ method: 'GET', url: `/api/v1/admin/users/${amina.id}`, headers: auth(root) });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().member).toMatchObject({
      status: 'suspended',
      suspensionReason: 'harassment',
      suspendedUntil: until,
    });
    expect(detail.json().audit[0]).toMatchObject({ action: 'member.suspended', actorId: root.id, targetId: amina.id });

    const reinstated = await post(`/api/v1/admin/users/${amina.id}/reinstate`, { reason: 'appeal accepted' });
    expect(reinstated.statusCode).toBe(200);
    expect(reinstated.json().status).toBe('active');
    expect(h.users.users.get(amina.id)?.status).toBe('active');

    const audit = await h.app.inject({
      method: 'GET',
      url: `/api/v1/admin/audit?targetId=${amina.id}`,
      headers: auth(root),
    });
    expect(audit.json().items.map((entry: { action: string }) => entry.action)).toEqual([
      'member.reinstated',
      'member.suspended',
    ]);
    expect(audit.json().items[1]).toMatchObject({
      reason: 'harassment',
      details: { until },
      country: 'FR',
      city: 'Paris',
    });
  });

  it('refuses to suspend oneself or a super user (409), an ambassador or consul unless super (403)', async () => {
    const self = await post(`/api/v1/admin/users/${root.id}/suspend`, { reason: 'x' });
    expect(self.statusCode).toBe(409);
    const other = await post(`/api/v1/admin/users/${otherRoot.id}/suspend`, { reason: 'x' });
    expect(other.statusCode).toBe(409);
    const consulBySuper = await post(`/api/v1/admin/users/${consul.id}/suspend`, { reason: 'inactive' });
    expect(consulBySuper.statusCode).toBe(200);
    await post(`/api/v1/admin/users/${consul.id}/reinstate`, {});
  });

  it('validates input: unknown member 404, a past end or a missing reason 400', async () => {
    const unknown = await post('/api/v1/admin/users/usr_01jabcdefghjkmnpqrstvwxyz0/suspend', { reason: 'x' });
    expect(unknown.statusCode).toBe(404);
    const past = await post(`/api/v1/admin/users/${amina.id}/suspend`, {
      reason: 'x',
      until: new Date(Date.now() - 1000).toISOString(),
    });
    expect(past.statusCode).toBe(400);
    const noReason = await post(`/api/v1/admin/users/${amina.id}/suspend`, {});
    expect(noReason.statusCode).toBe(400);
    const badId = await post('/api/v1/admin/users/not-an-id/suspend', { reason: 'x' });
    expect(badId.statusCode).toBe(400);
  });

  it('shows a consul their scorecard on the member page', async () => {
    const detail = await h.app.inject({ method: 'GET', url: `/api/v1/admin/users/${consul.id}`, headers: auth(root) });
    expect(detail.json().scorecard).toMatchObject({ organizerId: consul.id, quota: 4, eventsHeld: 2 });
    expect(detail.json().roles).toEqual([{ role: 'consul', country: 'FR', city: 'Paris' }]);
  });
});
