import { commonV1, contentV1, createClient } from '@diaspora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Member, member, startContent } from '../fixtures.js';

const author = member({ residenceCountry: 'FR', residenceCity: 'Marseille', originCountry: 'DZ' });
const reader = member({ residenceCountry: 'FR', residenceCity: 'Marseille' });
let ctx: Awaited<ReturnType<typeof startContent>>;
let moderation: contentV1.ContentModerationClient;
let userData: commonV1.UserDataClient;
beforeAll(async () => {
  ctx = await startContent([author, reader]);
  await ctx.service.listen();
  moderation = createClient(contentV1.ContentModeration, ctx.service.addresses!.grpcAddress, { deadlineMs: 3000 });
  userData = createClient(commonV1.UserData, ctx.service.addresses!.grpcAddress, { deadlineMs: 3000 });
});
afterAll(async () => {
  moderation?.close();
  userData?.close();
  await ctx?.close();
});

const post = async (who: Member, text: string) => {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/content/posts',
    headers: bearer(who),
    payload: { text, visibility: 'public', language: 'en' },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id as string;
};
const superUser = { userId: 'usr_admin', roles: ['super'], country: '', city: '' };

describe('ContentModeration over gRPC (for the admin service)', () => {
  it('lists the queue, gets an item, takes down and restores — within the moderator’s scope', async () => {
    const flagged = await post(author, 'what an idiot');
    const queue = await moderation.listQueue({ moderator: superUser, states: ['flagged'] });
    expect(queue.items.map((item) => item.targetId)).toContain(flagged);
    const item = await moderation.getItem({ moderator: superUser, targetType: 'post', targetId: flagged });
    expect(item).toMatchObject({
      state: 'flagged',
      authorId: author.id,
      residenceCity: 'Marseille',
      labels: ['lexicon:en:idiot'],
    });

    const outside = { userId: 'usr_consul', roles: ['consul'], country: 'FR', city: 'Lyon' };
    await expect(
      moderation.takeDown({ moderator: outside, targetType: 'post', targetId: flagged, reason: 'x' }),
    ).rejects.toMatchObject({ code: 7 });
    const inside = { userId: 'usr_consul2', roles: ['consul'], country: 'FR', city: 'marseille' };
    const down = await moderation.takeDown({
      moderator: inside,
      targetType: 'post',
      targetId: flagged,
      reason: 'insult',
    });
    expect(down).toMatchObject({ state: 'removed', moderatedBy: 'usr_consul2' });
    const back = await moderation.restore({
      moderator: { userId: 'usr_amb', roles: ['ambassador'], country: 'DZ', city: '' },
      targetType: 'post',
      targetId: flagged,
      reason: 'ok',
    });
    expect(back.state).toBe('published');
  });

  it('rejects bad requests with INVALID_ARGUMENT / NOT_FOUND / PERMISSION_DENIED', async () => {
    await expect(moderation.listQueue({ states: ['held'] })).rejects.toMatchObject({ code: 3 });
    await expect(moderation.listQueue({ moderator: superUser, states: ['nonsense'] })).rejects.toMatchObject({
      code: 3,
    });
    await expect(
      moderation.getItem({ moderator: superUser, targetType: 'video', targetId: 'x' }),
    ).rejects.toMatchObject({ code: 3 });
    await expect(
      moderation.getItem({ moderator: superUser, targetType: 'post', targetId: 'pst_00000000000000000000000000' }),
    ).rejects.toMatchObject({ code: 5 });
    await expect(
      moderation.listQueue({ moderator: { userId: 'usr_x', roles: ['regular'], country: '', city: '' } }),
    ).rejects.toMatchObject({ code: 7 });
  });
});

describe('UserData over gRPC (GDPR archive)', () => {
  it('exports what the content service holds about a member', async () => {
    const id = await post(author, 'My words, my archive');
    await ctx.app.inject({ method: 'POST', url: `/api/v1/content/posts/${id}/likes`, headers: bearer(reader) });
    const own = await userData.exportUserData({ userId: author.id });
    expect(own.service).toBe('content');
    const archive = JSON.parse(own.json);
    expect(archive.posts.map((p: { id: string }) => p.id)).toContain(id);
    const readerArchive = JSON.parse((await userData.exportUserData({ userId: reader.id })).json);
    expect(readerArchive).toMatchObject({ posts: [], likes: [{ postId: id }] });
    await expect(userData.exportUserData({ userId: '' })).rejects.toMatchObject({ code: 3 });
  });
});
