import { collectPublished, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Member, member, startContent } from '../fixtures.js';

const reporter = member({ displayName: 'Reporter' });
const reported = member({ displayName: 'Troll' });
let ctx: Awaited<ReturnType<typeof startContent>>;
beforeAll(async () => {
  ctx = await startContent([reporter, reported]);
});
afterAll(() => ctx?.close());

const report = (who: Member, body: object) =>
  ctx.app.inject({ method: 'POST', url: '/api/v1/content/reports', headers: bearer(who), payload: body });

describe('reports of members (to the admin moderation queue)', () => {
  it('publishes content.member.reported for the admin queue', async () => {
    const published = await collectPublished(ctx.service, 'content.member.reported');
    const answer = await report(reporter, { targetType: 'user', targetId: reported.id, reason: 'fake profile' });
    expect(answer.statusCode).toBe(201);
    expect(answer.json()).toMatchObject({ targetType: 'user', targetId: reported.id, reason: 'fake profile' });
    const event = await until(() => published[0]);
    expect(event.data).toMatchObject({
      reportId: answer.json().id,
      userId: reported.id,
      reporterId: reporter.id,
      reason: 'fake profile',
    });
  });

  it('refuses reporting oneself (400), an unknown member (404) and a mismatched id (400)', async () => {
    expect((await report(reporter, { targetType: 'user', targetId: reporter.id, reason: 'x' })).statusCode).toBe(400);
    const unknown = await report(reporter, {
      targetType: 'user',
      targetId: 'usr_01jabcdefghjkmnpqrstvwxyz0',
      reason: 'x',
    });
    expect(unknown.statusCode).toBe(404);
    expect((await report(reporter, { targetType: 'post', targetId: reported.id, reason: 'x' })).statusCode).toBe(400);
    expect((await report(reporter, { targetType: 'user', targetId: reported.id, reason: '' })).statusCode).toBe(400);
  });
});
