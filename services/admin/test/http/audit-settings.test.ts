import { RoleAppointed, UserDeleted } from '@diaspora/events';
import { commonV1, createClient } from '@diaspora/proto';
import { sleep, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ambassadorOf, auth, deliver, fakeUser, type Harness, published, startAdmin, superUser } from '../fixtures.js';

const root = superUser();
const ambassador = ambassadorOf('GH');
const amina = fakeUser({ displayName: 'Amina', residenceCountry: 'GH', residenceCity: 'Accra' });
let h: Harness;
let userData: commonV1.UserDataClient;

beforeAll(async () => {
  h = await startAdmin([root, ambassador, amina], {}, { listen: true });
  userData = createClient(commonV1.UserData, h.service.addresses!.grpcAddress, { deadlineMs: 2000 });
});
afterAll(async () => {
  userData?.close();
  await h.close();
});

const get = (url: string, who = root) => h.app.inject({ method: 'GET', url, headers: auth(who) });

describe('the audit log', () => {
  it('imports the user service role audit (once) when a role changes', async () => {
    h.roleAudit.push(
      {
        at: '2026-01-02T10:00:00.000Z',
        actorId: root.id,
        action: 'appointed',
        userId: ambassador.id,
        role: 'ambassador',
        country: 'GH',
        city: '',
      },
      {
        at: '2026-01-01T10:00:00.000Z',
        actorId: root.id,
        action: 'revoked',
        userId: amina.id,
        role: 'consul',
        country: 'GH',
        city: 'Accra',
      },
    );
    await deliver(h.service, RoleAppointed, {
      userId: ambassador.id,
      role: 'ambassador',
      country: 'GH',
      byUserId: root.id,
      at: new Date().toISOString(),
    });
    const entries = await until(
      async () => {
        const items = (await get('/api/v1/admin/audit?targetType=user')).json().items;
        return items.length === 2 && items;
      },
      { what: 'role audit imported' },
    );
    expect(entries[0]).toMatchObject({
      action: 'role.appointed',
      targetId: ambassador.id,
      source: 'user-service',
      details: { role: 'ambassador' },
    });
    await deliver(h.service, RoleAppointed, {
      userId: ambassador.id,
      role: 'ambassador',
      country: 'GH',
      byUserId: root.id,
      at: new Date().toISOString(),
    });
    await sleep(300);
    expect((await get('/api/v1/admin/audit?targetType=user')).json().items).toHaveLength(2);
  });

  it('pages with a signed cursor and filters; scoped admins see their country only', async () => {
    for (const reason of ['one', 'two', 'three'])
      await h.app
        .inject({
          method: 'POST',
          url: `/api/v1/admin/users/${amina.id}/suspend`,
          headers: auth(root),
          payload: { reason },
        })
        .then(() =>
          h.app.inject({
            method: 'POST',
            url: `/api/v1/admin/users/${amina.id}/reinstate`,
            headers: auth(root),
            payload: {},
          }),
        );
    const first = (await get(`/api/v1/admin/audit?targetId=${amina.id}&action=member.suspended&limit=2`)).json();
    expect(first.items.map((entry: { reason: string }) => entry.reason)).toEqual(['three', 'two']);
    const second = (
      await get(`/api/v1/admin/audit?targetId=${amina.id}&action=member.suspended&limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect(second).toEqual({ items: [expect.objectContaining({ reason: 'one' })], nextCursor: null });
    // A cursor is bound to its filters.
    expect((await get(`/api/v1/admin/audit?limit=2&cursor=${first.nextCursor}`)).statusCode).toBe(400);
    const asAmbassador = (await get('/api/v1/admin/audit?limit=100', ambassador)).json().items;
    expect(asAmbassador.length).toBeGreaterThan(0);
    expect(asAmbassador.every((entry: { country?: string }) => entry.country === 'GH')).toBe(true);
  });

  it('is in the GDPR export of the people it concerns; erasure pseudonymizes them, keeping the decision', async () => {
    const exported = JSON.parse((await userData.exportUserData({ userId: amina.id })).json);
    expect(exported.decisions.map((entry: { action: string }) => entry.action)).toContain('member.suspended');
    await deliver(h.service, UserDeleted, { userId: amina.id, deletedAt: new Date().toISOString() });
    const after = await until(
      async () => {
        const items = (await get('/api/v1/admin/audit?action=member.suspended&limit=100')).json().items;
        return items.every((entry: { targetId: string }) => entry.targetId !== amina.id) && items;
      },
      { what: 'erasure' },
    );
    expect(after).toHaveLength(3);
    expect(after[0].targetId).toMatch(/^erased_[0-9a-f]{24}$/);
    expect(new Set(after.map((entry: { targetId: string }) => entry.targetId)).size).toBe(1);
    expect(after[0].reason).toBe('three');
    expect(JSON.parse((await userData.exportUserData({ userId: amina.id })).json).decisions).toEqual([]);
  });
});

describe('platform settings', () => {
  it('starts from defaults, changes partially, audits and publishes each change', async () => {
    const initial = (await get('/api/v1/admin/settings')).json();
    expect(initial).toMatchObject({ version: 0, settings: { reportThreshold: 3, consulYearlyQuota: 4 } });
    const changed = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/settings',
      headers: auth(root),
      payload: { reportThreshold: 5, wordLists: { fr: ['arnaque'] } },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      version: 1,
      updatedBy: root.id,
      settings: { reportThreshold: 5, consulYearlyQuota: 4, wordLists: { fr: ['arnaque'] } },
    });
    expect(await published(h.service, 'admin.settings.updated')).toEqual([
      expect.objectContaining({ changed: ['reportThreshold', 'wordLists'], byUserId: root.id }),
    ]);
    const audit = (await get('/api/v1/admin/audit?action=settings.updated')).json().items;
    expect(audit[0]).toMatchObject({
      details: {
        changed: ['reportThreshold', 'wordLists'],
        before: { reportThreshold: 3 },
        after: { reportThreshold: 5 },
      },
    });
    // Saving the same values again changes nothing and publishes nothing.
    await h.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/settings',
      headers: auth(root),
      payload: { reportThreshold: 5 },
    });
    expect(await published(h.service, 'admin.settings.updated')).toHaveLength(1);
  });

  it('refuses bad values (400)', async () => {
    for (const payload of [
      { reportThreshold: 0 },
      { consulYearlyQuota: 'four' },
      {},
      { unknown: 1 },
      { sponsoredFeed: { every: 8, items: [{ id: 'x', title: 't', url: 'javascript:alert(1)' }] } },
    ]) {
      const answer = await h.app.inject({ method: 'PUT', url: '/api/v1/admin/settings', headers: auth(root), payload });
      expect(answer.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});
