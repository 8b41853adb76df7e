import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, fakeUser, type MessagingTestService, startMessaging, startUsers, tokenFor } from '../fixtures.js';

const [amina, kofi, awa, moussa, outsider] = ['Amina', 'Kofi', 'Awa', 'Moussa', 'Outsider'].map((name) =>
  fakeUser(name),
) as [ReturnType<typeof fakeUser>, ...ReturnType<typeof fakeUser>[]];
let users: Awaited<ReturnType<typeof startUsers>>;
let service: MessagingTestService;

beforeAll(async () => {
  users = await startUsers([amina, kofi!, awa!, moussa!, outsider!]);
  service = await startMessaging(users.address, { env: { FREE_DAILY_NEW_CONVERSATIONS: '50' } });
});
afterAll(async () => {
  await service?.close();
  await users?.stop();
});

const as = (user: { id: string }, tier: 'free' | 'premium' = 'free') => bearer(tokenFor(user as never, tier));
const call = (
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  user: { id: string },
  payload?: object,
) => service.app.inject({ method, url: `/api/v1/messages${url}`, headers: as(user), ...(payload ? { payload } : {}) });

describe('direct conversations', () => {
  it('are unique per pair: the second open (by either side) returns the first', async () => {
    const first = await call('POST', '/conversations', amina, { participantIds: [kofi!.id] });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ type: 'direct', unreadCount: 0, role: 'member', muted: false });
    expect(first.json().participantIds.sort()).toEqual([amina.id, kofi!.id].sort());
    const again = await call('POST', '/conversations', kofi!, { participantIds: [amina.id, kofi!.id] });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
  });

  it('are opened concurrently into one conversation', async () => {
    const [a, b] = await Promise.all([
      call('POST', '/conversations', awa!, { participantIds: [moussa!.id] }),
      call('POST', '/conversations', moussa!, { participantIds: [awa!.id] }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().id).toBe(b.json().id);
  });

  it("honour the target's privacy settings and blocks, asked of the user service", async () => {
    users.refused.add(`${outsider!.id}>${amina.id}`);
    const refused = await call('POST', '/conversations', outsider!, { participantIds: [amina.id] });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ type: expect.stringMatching(/messaging-not-allowed$/) });
    users.refused.clear();
  });

  it('answer 404 for a member the user service does not know, 503 when it cannot be asked', async () => {
    const unknown = await call('POST', '/conversations', amina, { participantIds: ['usr_01jzzzzzzzzzzzzzzzzzzzzzzz'] });
    expect(unknown.statusCode).toBe(404);
    users.state.unavailable = true;
    try {
      const down = await call('POST', '/conversations', awa!, { participantIds: [outsider!.id] });
      expect(down.statusCode).toBe(503);
      expect(down.headers['retry-after']).toBeDefined();
      expect(JSON.stringify(down.json())).not.toMatch(/ECONNREFUSED|down/);
    } finally {
      users.state.unavailable = false;
    }
  });

  it('refuse bad input with field errors', async () => {
    const empty = await call('POST', '/conversations', amina, { participantIds: [amina.id] });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors).toEqual([{ field: 'participantIds', message: expect.any(String) }]);
    const malformed = await call('POST', '/conversations', amina, { participantIds: ['bob'] });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].field).toBe('participantIds[0]');
    const unauthenticated = await service.app.inject({ method: 'GET', url: '/api/v1/messages/conversations' });
    expect(unauthenticated.statusCode).toBe(401);
  });
});

describe('groups', () => {
  let groupId: string;

  it('are created by their admin with a title', async () => {
    const created = await call('POST', '/conversations', amina, {
      participantIds: [kofi!.id, awa!.id],
      title: '  Dakar → Paris 🇸🇳  ',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ type: 'group', title: 'Dakar → Paris 🇸🇳', role: 'admin' });
    groupId = created.json().id;
  });

  it('show their members with their roles and watermarks, to members only', async () => {
    const detail = await call('GET', `/conversations/${groupId}`, kofi!);
    expect(detail.statusCode).toBe(200);
    expect(detail.json().members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: amina.id, role: 'admin', lastReadSeq: 0, lastDeliveredSeq: 0 }),
        expect.objectContaining({ userId: kofi!.id, role: 'member' }),
      ]),
    );
    expect((await call('GET', `/conversations/${groupId}`, outsider!)).statusCode).toBe(403);
    expect((await call('GET', '/conversations/cnv_01jzzzzzzzzzzzzzzzzzzzzzzz', outsider!)).statusCode).toBe(404);
  });

  it('are run by admins: rename, add, remove, appoint; members may not', async () => {
    expect((await call('PATCH', `/conversations/${groupId}`, kofi!, { title: 'Mine now' })).statusCode).toBe(403);
    const renamed = await call('PATCH', `/conversations/${groupId}`, amina, { title: 'Diaspora 2025' });
    expect(renamed.json().title).toBe('Diaspora 2025');

    const added = await call('POST', `/conversations/${groupId}/members`, amina, { userIds: [moussa!.id] });
    expect(added.statusCode).toBe(200);
    expect(added.json().participantIds).toContain(moussa!.id);
    expect(
      (await call('POST', `/conversations/${groupId}/members`, kofi!, { userIds: [outsider!.id] })).statusCode,
    ).toBe(403);

    const promoted = await call('PUT', `/conversations/${groupId}/admins/${kofi!.id}`, amina);
    expect(promoted.json().members.find((m: { userId: string }) => m.userId === kofi!.id).role).toBe('admin');
    expect((await call('DELETE', `/conversations/${groupId}/members/${moussa!.id}`, kofi!)).statusCode).toBe(204);
    const after = await call('GET', `/conversations/${groupId}`, amina);
    expect(after.json().participantIds).not.toContain(moussa!.id);
    expect((await call('GET', `/conversations/${groupId}`, moussa!)).statusCode).toBe(403);
  });

  it('keep an admin: the last one cannot step down, and when they leave the longest member takes over', async () => {
    const group = (
      await call('POST', '/conversations', awa!, { participantIds: [kofi!.id, moussa!.id], title: 'x' })
    ).json();
    const stepDown = await call('DELETE', `/conversations/${group.id}/admins/${awa!.id}`, awa!);
    expect(stepDown.statusCode).toBe(409);
    expect((await call('DELETE', `/conversations/${group.id}/members/${awa!.id}`, awa!)).statusCode).toBe(204);
    const after = await call('GET', `/conversations/${group.id}`, kofi!);
    const admins = after.json().members.filter((m: { role: string }) => m.role === 'admin');
    expect(admins).toHaveLength(1);
  });

  it('cannot be used on direct conversations', async () => {
    const direct = (await call('POST', '/conversations', amina, { participantIds: [kofi!.id] })).json();
    expect((await call('PATCH', `/conversations/${direct.id}`, amina, { title: 'x' })).statusCode).toBe(409);
    expect((await call('DELETE', `/conversations/${direct.id}/members/${amina.id}`, amina)).statusCode).toBe(409);
  });

  it('can be muted until a time, or until unmuted', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const muted = await call('PUT', `/conversations/${groupId}/mute`, kofi!, { until });
    expect(muted.json()).toMatchObject({ muted: true, mutedUntil: until });
    expect(
      (await call('PUT', `/conversations/${groupId}/mute`, kofi!, { until: '2001-01-01T00:00:00Z' })).statusCode,
    ).toBe(400);
    expect((await call('DELETE', `/conversations/${groupId}/mute`, kofi!)).json().muted).toBe(false);
  });
});

describe('the conversation list', () => {
  it('shows the most recent activity first with the last message and unread count, paged by cursor', async () => {
    const viewer = fakeUser('Viewer');
    const friends = [fakeUser('F1'), fakeUser('F2'), fakeUser('F3')];
    const local = await startUsers([viewer, ...friends]);
    const isolated = await startMessaging(local.address);
    try {
      const post = (user: { id: string }, url: string, payload: object) =>
        isolated.app.inject({ method: 'POST', url: `/api/v1/messages${url}`, headers: as(user, 'premium'), payload });
      const ids: string[] = [];
      for (const friend of friends)
        ids.push((await post(friend, '/conversations', { participantIds: [viewer.id] })).json().id);
      await post(friends[0]!, `/conversations/${ids[0]}/messages`, {
        type: 'text',
        body: { text: 'one' },
        clientMessageId: 'a',
      });
      await post(friends[0]!, `/conversations/${ids[0]}/messages`, {
        type: 'text',
        body: { text: 'two' },
        clientMessageId: 'b',
      });

      const page1 = await isolated.app.inject({ url: '/api/v1/messages/conversations?limit=2', headers: as(viewer) });
      expect(page1.statusCode).toBe(200);
      const body1 = page1.json();
      expect(body1.items.map((item: { id: string }) => item.id)).toEqual([ids[0], ids[2]]);
      expect(body1.items[0]).toMatchObject({
        unreadCount: 2,
        lastMessage: { body: { text: 'two' }, status: 'delivered' },
      });
      const page2 = await isolated.app.inject({
        url: `/api/v1/messages/conversations?limit=2&cursor=${body1.nextCursor}`,
        headers: as(viewer),
      });
      expect(page2.json()).toEqual({
        items: [expect.objectContaining({ id: ids[1], unreadCount: 0 })],
        nextCursor: null,
      });
      const bad = await isolated.app.inject({ url: '/api/v1/messages/conversations?cursor=zzz', headers: as(viewer) });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().type).toMatch(/invalid-cursor$/);
      // The viewer's cursor is theirs: another member replaying it is refused.
      const foreign = await isolated.app.inject({
        url: `/api/v1/messages/conversations?limit=2&cursor=${body1.nextCursor}`,
        headers: as(friends[0]!),
      });
      expect(foreign.statusCode).toBe(400);
      expect(foreign.json().type).toMatch(/invalid-cursor$/);
    } finally {
      await isolated.close();
      await local.stop();
    }
  });
});
