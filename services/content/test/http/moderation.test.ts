import { AdminContentRestored, AdminContentTakenDown } from '@diaspora/events';
import { collectPublished, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Member, member, publish, startContent } from '../fixtures.js';

const author = member({ displayName: 'Author', originCountry: 'CM', residenceCountry: 'FR', residenceCity: 'Lyon' });
const readers = Array.from({ length: 4 }, () =>
  member({ originCountry: 'CM', residenceCountry: 'FR', residenceCity: 'Lyon' }),
);
const ambassadorFR = member({}, { roles: ['regular', 'ambassador'], country: 'FR' });
const ambassadorDE = member({}, { roles: ['regular', 'ambassador'], country: 'DE' });
const consulLyon = member({}, { roles: ['regular', 'consul'], country: 'FR', city: 'Lyon' });
const consulParis = member({}, { roles: ['regular', 'consul'], country: 'FR', city: 'Paris' });
const everyone = [author, ...readers, ambassadorFR, ambassadorDE, consulLyon, consulParis];

let ctx: Awaited<ReturnType<typeof startContent>>;
beforeAll(async () => {
  ctx = await startContent(everyone, { REPORT_HIDE_THRESHOLD: '3' });
});
afterAll(() => ctx?.close());

const call = (method: string, url: string, who: Member, payload?: unknown) =>
  ctx.app.inject({
    method: method as 'GET',
    url,
    headers: bearer(who),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
const post = async (text: string, language?: string) => {
  const response = await call('POST', '/api/v1/content/posts', author, {
    text,
    visibility: 'public',
    ...(language ? { language } : {}),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; moderationState: string };
};
const report = (who: Member, targetId: string, targetType = 'post') =>
  call('POST', '/api/v1/content/reports', who, { targetType, targetId, reason: 'offensive' });
const act = (who: Member, action: string, targetId: string, targetType = 'post') =>
  call('POST', '/api/v1/content/moderation/actions', who, { action, targetType, targetId, reason: 'review' });

describe('automated moderation', () => {
  it('holds clearly violating English text: only its author sees it, nothing is published', async () => {
    const held = await collectPublished(ctx.service, 'content.moderation.held');
    const published = await collectPublished(ctx.service, 'content.post.published');
    const p = await post('Go back to your country, subhuman', 'en');
    expect(p.moderationState).toBe('held');
    expect((await call('GET', `/api/v1/content/posts/${p.id}`, readers[0]!)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/content/posts/${p.id}`, author)).json().moderationState).toBe('held');
    const event = await until(() => held.find((e) => (e.data as { targetId: string }).targetId === p.id));
    expect(event.data).toMatchObject({
      targetType: 'post',
      authorId: author.id,
      residenceCountry: 'FR',
      language: 'en',
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(published.some((e) => (e.data as { postId: string }).postId === p.id)).toBe(false);
  });

  it('holds violating French text and flags borderline French text (published, queued for review)', async () => {
    const held = await post('Retourne dans ton pays, sale nègre');
    expect(held.moderationState).toBe('held');
    const borderline = await post('Franchement, quel abruti ce maire');
    expect(borderline.moderationState).toBe('flagged');
    expect((await call('GET', `/api/v1/content/posts/${borderline.id}`, readers[0]!)).statusCode).toBe(200);
    const queue = (await call('GET', '/api/v1/content/moderation/queue', consulLyon)).json();
    expect(queue.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          targetId: held.id,
          state: 'held',
          labels: expect.arrayContaining(['lexicon:fr:sale negre']),
        }),
        expect.objectContaining({ targetId: borderline.id, state: 'flagged', labels: ['lexicon:fr:abruti'] }),
      ]),
    );
  });

  it('moderates comments too: held comments are not listed', async () => {
    const p = await post('Clean post about the Lyon meetup');
    const held = await call('POST', `/api/v1/content/posts/${p.id}/comments`, readers[0]!, {
      text: 'kill yourself',
      language: 'en',
    });
    expect(held.json().moderationState).toBe('held');
    const list = await call('GET', `/api/v1/content/posts/${p.id}/comments`, readers[1]!);
    expect(list.json().items).toEqual([]);
    expect((await call('GET', `/api/v1/content/posts/${p.id}`, readers[1]!)).json().commentCount).toBe(0);
  });
});

describe('reports', () => {
  it('are deduplicated per reporter and hide the content past the threshold', async () => {
    const flagged = await collectPublished(ctx.service, 'content.moderation.flagged');
    const p = await post('An opinion some will not like');
    const first = await report(readers[0]!, p.id);
    expect(first.statusCode).toBe(201);
    const again = await report(readers[0]!, p.id);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.json().id, duplicate: true });
    expect((await report(author, p.id)).statusCode).toBe(400);
    expect((await report(readers[1]!, 'pst_00000000000000000000000000')).statusCode).toBe(404);

    await report(readers[1]!, p.id);
    expect((await call('GET', `/api/v1/content/posts/${p.id}`, readers[3]!)).statusCode).toBe(200);
    await report(readers[2]!, p.id);
    expect((await call('GET', `/api/v1/content/posts/${p.id}`, readers[3]!)).statusCode).toBe(404);
    const own = await call('GET', `/api/v1/content/posts/${p.id}`, author);
    expect(own.json().moderationState).toBe('hidden');
    // Hidden content takes no comments, even from its author.
    expect((await call('POST', `/api/v1/content/posts/${p.id}/comments`, author, { text: 'hello?' })).statusCode).toBe(
      409,
    );
    const event = await until(() =>
      flagged.find((e) => (e.data as { targetId: string; source: string }).targetId === p.id),
    );
    expect(event.data).toMatchObject({ source: 'reports', hidden: true, reportCount: 3 });
  });
});

describe('moderators', () => {
  it('act within their scope only: ambassador (country), consul (city); others get 403', async () => {
    const p = await post('Something to review');
    expect((await act(readers[0]!, 'takedown', p.id)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/content/moderation/queue', readers[0]!)).statusCode).toBe(403);
    expect((await act(ambassadorDE, 'takedown', p.id)).statusCode).toBe(403);
    expect((await act(consulParis, 'takedown', p.id)).statusCode).toBe(403);
    const down = await act(consulLyon, 'takedown', p.id);
    expect(down.statusCode).toBe(200);
    expect(down.json()).toMatchObject({ state: 'removed', moderatedBy: consulLyon.id });
    expect((await call('GET', `/api/v1/content/posts/${p.id}`, readers[0]!)).statusCode).toBe(404);
    expect((await act(consulLyon, 'takedown', p.id)).json().state).toBe('removed');
    expect((await call('PATCH', `/api/v1/content/posts/${p.id}`, author, { text: 'edited' })).statusCode).toBe(409);
    const restored = await act(ambassadorFR, 'restore', p.id);
    expect(restored.json()).toMatchObject({ state: 'published', reportCount: 0 });
    expect((await call('GET', `/api/v1/content/posts/${p.id}`, readers[0]!)).statusCode).toBe(200);
    const queueDE = (await call('GET', '/api/v1/content/moderation/queue', ambassadorDE)).json();
    expect(queueDE.items).toEqual([]);
  });

  it('release a held post: it is published (and announced) for the first time', async () => {
    const published = await collectPublished(ctx.service, 'content.post.published');
    const p = await post('Go back to your country', 'en');
    const released = await act(ambassadorFR, 'restore', p.id);
    expect(released.json().state).toBe('published');
    await until(() => published.find((e) => (e.data as { postId: string }).postId === p.id));
  });

  it('admin service decisions arrive as admin.* events and apply', async () => {
    const p = await post('Decided in the admin dashboard');
    await publish(
      ctx.service,
      AdminContentTakenDown,
      {
        targetType: 'post',
        targetId: p.id,
        moderatorId: 'usr_admin',
        reason: 'report queue',
        at: new Date().toISOString(),
      },
      { source: 'admin' },
    );
    await until(async () => (await call('GET', `/api/v1/content/posts/${p.id}`, readers[0]!)).statusCode === 404);
    await publish(
      ctx.service,
      AdminContentRestored,
      {
        targetType: 'post',
        targetId: p.id,
        moderatorId: 'usr_admin',
        reason: 'appeal',
        at: new Date().toISOString(),
      },
      { source: 'admin' },
    );
    await until(async () => (await call('GET', `/api/v1/content/posts/${p.id}`, readers[0]!)).statusCode === 200);
  });
});
