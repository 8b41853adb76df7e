import { CommentCreated, ConnectionRequested } from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliver,
  fakeUser,
  type Harness,
  headersOf,
  inbox,
  now,
  processed,
  startNotificationService,
  unread,
} from '../fixtures.js';

const amina = fakeUser({ displayName: 'Amina' });
const kofi = fakeUser({ displayName: 'Kofi' });
let h: Harness;
beforeAll(async () => {
  h = await startNotificationService({ users: [amina, kofi] });
});
afterAll(async () => h?.close());

const request = async (to: string, from = kofi.id) => {
  const envelope = await deliver(h, ConnectionRequested, {
    requestId: newId('cnr'),
    fromUserId: from,
    toUserId: to,
    at: now(),
  });
  await processed(h, envelope.id);
};
const comment = async (postAuthorId: string) => {
  const envelope = await deliver(h, CommentCreated, {
    commentId: newId('cmt'),
    postId: newId('pst'),
    postAuthorId,
    authorId: kofi.id,
    text: 'Nice',
    language: 'en',
    mentions: [],
    at: now(),
  });
  await processed(h, envelope.id);
};

describe('inbox', () => {
  it('pages newest first, reads one, reads all; the unread count follows', async () => {
    for (let i = 0; i < 3; i++) await request(amina.id);
    expect(await unread(h, amina.id)).toBe(3);
    const first = await h.app.inject({ url: '/api/v1/notifications/?limit=2', headers: headersOf(amina.id) });
    const page = first.json();
    expect(page.items).toHaveLength(2);
    const second = await h.app.inject({
      url: `/api/v1/notifications/?limit=2&cursor=${page.nextCursor}`,
      headers: headersOf(amina.id),
    });
    expect(second.json().items).toHaveLength(1);
    expect(second.json().nextCursor).toBeNull();
    const ids = [...page.items, ...second.json().items].map((n: { id: string }) => n.id);
    expect(new Set(ids).size).toBe(3);

    const read = await h.app.inject({
      method: 'POST',
      url: `/api/v1/notifications/${ids[0]}/read`,
      headers: headersOf(amina.id),
    });
    expect(read.statusCode).toBe(204);
    expect(await unread(h, amina.id)).toBe(2);
    expect((await inbox(h, amina.id)).items[0]!.readAt).toBeDefined();
    const all = await h.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/read-all',
      headers: headersOf(amina.id),
    });
    expect(all.statusCode).toBe(204);
    expect(await unread(h, amina.id)).toBe(0);
  });

  it("someone else's notification is 404, an unknown id too; a foreign cursor is 400; no token is 401", async () => {
    await request(kofi.id, amina.id);
    const [theirs] = (await inbox(h, kofi.id)).items;
    const stolen = await h.app.inject({
      method: 'POST',
      url: `/api/v1/notifications/${theirs!.id}/read`,
      headers: headersOf(amina.id),
    });
    expect(stolen.statusCode).toBe(404);
    expect(stolen.headers['content-type']).toContain('application/problem+json');
    expect(await unread(h, kofi.id)).toBe(1);
    const unknown = await h.app.inject({
      method: 'POST',
      url: `/api/v1/notifications/${newId('ntf')}/read`,
      headers: headersOf(amina.id),
    });
    expect(unknown.statusCode).toBe(404);
    for (let i = 0; i < 2; i++) await request(kofi.id, amina.id);
    const page = (await h.app.inject({ url: '/api/v1/notifications/?limit=1', headers: headersOf(kofi.id) })).json();
    const replay = await h.app.inject({
      url: `/api/v1/notifications/?cursor=${page.nextCursor}`,
      headers: headersOf(amina.id),
    });
    expect(replay.statusCode).toBe(400);
    expect((await h.app.inject({ url: '/api/v1/notifications/' })).statusCode).toBe(401);
  });
});

describe('preferences', () => {
  it('shows defaults, updates partially, and a type switched off stops arriving', async () => {
    const member = fakeUser({ displayName: 'Ama' });
    h.users.users.set(member.id, member);
    const defaults = await h.app.inject({ url: '/api/v1/notifications/preferences', headers: headersOf(member.id) });
    expect(defaults.json()).toMatchObject({
      comment: { push: true, email: false, in_app: true },
      event_invitation: { push: true, email: true, in_app: true },
      digest: 'off',
    });
    const put = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/notifications/preferences',
      headers: headersOf(member.id),
      payload: { comment: { in_app: false } },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().comment).toEqual({ push: true, email: false, in_app: false });
    const second = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/notifications/preferences',
      headers: headersOf(member.id),
      payload: { comment: { push: false }, quietHours: { start: '22:00', end: '07:00' }, digest: 'daily' },
    });
    expect(second.json()).toMatchObject({
      comment: { push: false, email: false, in_app: false },
      quietHours: { start: '22:00', end: '07:00' },
      digest: 'daily',
    });
    await comment(member.id);
    await request(member.id);
    const types = (await inbox(h, member.id)).items.map((n) => n.type);
    expect(types).toEqual(['connection_request']);
    const { rows } = await h.service.context.db.query('SELECT 1 FROM notifications WHERE recipient_id = $1', [
      member.id,
    ]);
    expect(rows).toHaveLength(1);
  });

  it('refuses unknown types, channels and bad values whole (400), changing nothing', async () => {
    const member = fakeUser();
    h.users.users.set(member.id, member);
    for (const payload of [
      { party: { push: false } },
      { comment: { carrier_pigeon: true } },
      { comment: { push: 'no' } },
      { comment: { push: false }, digest: 'weekly' },
      { quietHours: { start: '25:00', end: '07:00' } },
    ]) {
      const response = await h.app.inject({
        method: 'PUT',
        url: '/api/v1/notifications/preferences',
        headers: headersOf(member.id),
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const now = await h.app.inject({ url: '/api/v1/notifications/preferences', headers: headersOf(member.id) });
    expect(now.json().comment.push).toBe(true);
    expect(now.json().digest).toBe('off');
  });
});

describe('devices', () => {
  const token = `fcm${'A'.repeat(20)}:APA91b${'x'.repeat(140)}`;
  it('registers idempotently, refuses malformed tokens, deletes only own tokens', async () => {
    for (let i = 0; i < 2; i++) {
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/devices',
        headers: headersOf(amina.id),
        payload: { token, platform: 'android' },
      });
      expect(response.statusCode).toBe(201);
    }
    const { rows } = await h.service.context.db.query('SELECT user_id FROM devices WHERE token = $1', [token]);
    expect(rows).toEqual([{ user_id: amina.id }]);
    for (const payload of [
      { token: 'short', platform: 'android' },
      { token: `${'x'.repeat(150)} spaces`, platform: 'ios' },
      { token, platform: 'blackberry' },
    ]) {
      const bad = await h.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/devices',
        headers: headersOf(amina.id),
        payload,
      });
      expect(bad.statusCode).toBe(400);
    }
    const foreign = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/notifications/devices/${token}`,
      headers: headersOf(kofi.id),
    });
    expect(foreign.statusCode).toBe(404);
    const own = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/notifications/devices/${token}`,
      headers: headersOf(amina.id),
    });
    expect(own.statusCode).toBe(204);
  });
});
