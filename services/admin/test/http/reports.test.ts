import { ContentFlagged, MemberReported, MessageReported, ReportCreated, UserRegistered } from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auth,
  consulOf,
  deliver,
  fakeItem,
  fakeUser,
  type Harness,
  handled,
  published,
  startAdmin,
  superUser,
} from '../fixtures.js';

const root = superUser();
const lyonConsul = consulOf('FR', 'Lyon');
const author = fakeUser({ displayName: 'Author' });
const reporters = [fakeUser(), fakeUser(), fakeUser()];
let h: Harness;
let events = 0;
const at = () => new Date().toISOString();

beforeAll(async () => {
  h = await startAdmin([root, lyonConsul, author, ...reporters]);
  await deliver(h.service, UserRegistered, {
    userId: author.id,
    displayName: 'Author',
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['fr'],
    domains: [],
    registeredAt: at(),
  });
  await handled(h.service, ++events);
});
afterAll(() => h.close());

async function reportPost(postId: string, reporter: string, reason: string, count: number) {
  await deliver(h.service, ReportCreated, {
    reportId: newId('rpt'),
    targetType: 'post',
    targetId: postId,
    targetAuthorId: author.id,
    reporterId: reporter,
    reason,
    reportCount: count,
    at: at(),
  });
  await handled(h.service, ++events);
}

const list = async (query = '', who = root) =>
  (await h.app.inject({ method: 'GET', url: `/api/v1/admin/reports${query}`, headers: auth(who) })).json();
const resolve = (id: string, payload: object, who = root) =>
  h.app.inject({ method: 'POST', url: `/api/v1/admin/reports/${id}/resolve`, headers: auth(who), payload });

describe('the moderation queue', () => {
  it('gathers reports of a post into one case, ranked above less reported ones, with its text', async () => {
    const hot = fakeItem({ authorId: author.id, text: 'offensive words' });
    const mild = fakeItem({ authorId: author.id, text: 'borderline', state: 'flagged' });
    h.items.set(hot.targetId, hot);
    h.items.set(mild.targetId, mild);
    await reportPost(mild.targetId, reporters[0]!.id, 'spam', 1);
    await reportPost(hot.targetId, reporters[0]!.id, 'hate speech', 1);
    await reportPost(hot.targetId, reporters[1]!.id, 'insult', 2);
    await reportPost(hot.targetId, reporters[2]!.id, 'hate speech', 3);

    const page = await list();
    const [first, second] = page.items;
    expect(first).toMatchObject({
      targetType: 'post',
      targetId: hot.targetId,
      authorId: author.id,
      reportCount: 3,
      status: 'open',
      country: 'FR',
      city: 'Paris',
      preview: { text: 'offensive words', state: 'hidden' },
    });
    expect(first.reasons.sort()).toEqual(['hate speech', 'insult']);
    expect(second).toMatchObject({ targetId: mild.targetId, reportCount: 1 });

    const paged = await list('?limit=1');
    expect(paged.items).toHaveLength(1);
    const next = await list(`?limit=1&cursor=${paged.nextCursor}`);
    expect(next.items[0].targetId).toBe(mild.targetId);
  });

  it('takes a reported post down: content applies it, the decision is published and audited', async () => {
    const [top] = (await list()).items;
    const answer = await resolve(top.id, { action: 'takedown', reason: 'hate speech' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ status: 'resolved', resolution: { action: 'takedown', by: root.id } });
    expect(h.items.get(top.targetId)?.state).toBe('removed');

    expect(await published(h.service, 'admin.content.taken_down')).toEqual([
      expect.objectContaining({ targetType: 'post', targetId: top.targetId, moderatorId: root.id, reportId: top.id }),
    ]);
    expect(await published(h.service, 'admin.report.resolved')).toEqual([
      expect.objectContaining({ caseId: top.id, action: 'takedown', authorId: author.id, appeal: false }),
    ]);
    const audit = await h.app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit?action=report.takedown',
      headers: auth(root),
    });
    expect(audit.json().items[0]).toMatchObject({ actorId: root.id, targetId: top.targetId, reason: 'hate speech' });

    expect((await list()).items.map((item: { id: string }) => item.id)).not.toContain(top.id);
    expect((await list('?status=resolved')).items[0].id).toBe(top.id);
    expect((await resolve(top.id, { action: 'dismiss' })).statusCode).toBe(409);
  });

  it('answers 404 for an unknown case, 400 for an unknown action, 403 outside the scope', async () => {
    expect((await resolve('cas_01jabcdefghjkmnpqrstvwxyz0', { action: 'dismiss' })).statusCode).toBe(404);
    const [open] = (await list()).items;
    expect((await resolve(open.id, { action: 'ban' })).statusCode).toBe(400);
    expect((await resolve(open.id, { action: 'dismiss' }, lyonConsul)).statusCode).toBe(403);
    expect((await list('', lyonConsul)).items).toEqual([]);
  });

  it('dismissing restores the post in content and publishes admin.content.restored', async () => {
    const [open] = (await list()).items;
    expect((await resolve(open.id, { action: 'dismiss' })).statusCode).toBe(200);
    expect(h.items.get(open.targetId)?.state).toBe('published');
    expect(await published(h.service, 'admin.content.restored')).toHaveLength(1);
  });

  it('lets the author appeal once; the case comes back to the queue on top', async () => {
    const [decided] = (await list('?status=resolved')).items.filter(
      (item: { resolution: { action: string } }) => item.resolution.action === 'takedown',
    );
    const mine = await h.app.inject({ method: 'GET', url: '/api/v1/admin/decisions/mine', headers: auth(author) });
    expect(mine.json().items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: decided.id, action: 'takedown', appealable: true })]),
    );
    const stranger = await h.app.inject({
      method: 'POST',
      url: `/api/v1/admin/decisions/${decided.id}/appeal`,
      headers: auth(reporters[0]!),
      payload: { statement: 'not mine' },
    });
    expect(stranger.statusCode).toBe(404);
    const appeal = await h.app.inject({
      method: 'POST',
      url: `/api/v1/admin/decisions/${decided.id}/appeal`,
      headers: auth(author),
      payload: { statement: 'It was a quote from a news article.' },
    });
    expect(appeal.statusCode).toBe(201);
    const again = await h.app.inject({
      method: 'POST',
      url: `/api/v1/admin/decisions/${decided.id}/appeal`,
      headers: auth(author),
      payload: { statement: 'please' },
    });
    expect(again.statusCode).toBe(409);
    const [top] = (await list()).items;
    expect(top).toMatchObject({
      id: decided.id,
      status: 'open',
      appeal: { statement: 'It was a quote from a news article.' },
    });
    const final = await resolve(decided.id, { action: 'restore', reason: 'context makes it acceptable' });
    expect(final.json()).toMatchObject({ resolution: { action: 'restore', appeal: true } });
    expect(h.items.get(decided.targetId)?.state).toBe('published');
  });

  it('queues filter flags, reports of members and of chat messages (the message kept for review)', async () => {
    const flagged = fakeItem({ authorId: author.id, state: 'flagged', text: 'maybe rude' });
    h.items.set(flagged.targetId, flagged);
    await deliver(h.service, ContentFlagged, {
      targetType: 'post',
      targetId: flagged.targetId,
      postId: flagged.targetId,
      authorId: author.id,
      residenceCountry: 'FR',
      residenceCity: 'Paris',
      source: 'filter',
      hidden: false,
      score: 0.6,
      labels: ['insult'],
      at: at(),
    });
    await deliver(h.service, MemberReported, {
      reportId: newId('rpt'),
      userId: author.id,
      reporterId: reporters[0]!.id,
      reason: 'fake profile',
      at: at(),
    });
    const messageId = newId('msg');
    await deliver(h.service, MessageReported, {
      reportId: newId('rpt'),
      messageId,
      conversationId: newId('cnv'),
      senderId: author.id,
      reporterId: reporters[1]!.id,
      reason: 'threats',
      message: { type: 'text', body: 'I know where you live', createdAt: at() },
      at: at(),
    });
    events += 3;
    await handled(h.service, events);

    const items = (await list()).items;
    expect(items.find((item: { targetId: string }) => item.targetId === flagged.targetId)).toMatchObject({
      score: 0.6,
      labels: ['insult'],
      reasons: ['flagged by filter'],
    });
    expect(items.find((item: { targetType: string }) => item.targetType === 'user')).toMatchObject({
      targetId: author.id,
      reasons: ['fake profile'],
      country: 'FR',
    });
    const message = items.find((item: { targetType: string }) => item.targetType === 'message');
    expect(message).toMatchObject({ targetId: messageId, preview: { text: 'I know where you live', type: 'text' } });

    expect((await resolve(message.id, { action: 'restore' })).statusCode).toBe(400);
    expect((await resolve(message.id, { action: 'takedown', reason: 'threat' })).statusCode).toBe(200);
    expect(await published(h.service, 'admin.message.taken_down')).toEqual([
      expect.objectContaining({ messageId, senderId: author.id }),
    ]);

    const user = items.find((item: { targetType: string }) => item.targetType === 'user');
    expect((await resolve(user.id, { action: 'warn', reason: 'last warning' })).statusCode).toBe(200);
    expect(await published(h.service, 'admin.member.warned')).toEqual([
      expect.objectContaining({ userId: author.id, reason: 'last warning' }),
    ]);
  });

  it('suspends the author from a case', async () => {
    const post = fakeItem({ authorId: author.id });
    h.items.set(post.targetId, post);
    await reportPost(post.targetId, reporters[2]!.id, 'scam', 1);
    const mine = (await list()).items.find((item: { targetId: string }) => item.targetId === post.targetId);
    const answer = await resolve(mine.id, { action: 'suspend', reason: 'repeated scams' });
    expect(answer.statusCode).toBe(200);
    expect(h.items.get(post.targetId)?.state).toBe('removed');
    expect(h.users.users.get(author.id)?.status).toBe('suspended');
  });
});
