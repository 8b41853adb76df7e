import { AdminMessageTakenDown } from '@diaspora/events';
import { buildEnvelope, encodeEnvelope } from '@diaspora/service-kit';
import { collectPublished, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  clientId,
  fakeUser,
  type MessagingTestService,
  startMessaging,
  startUsers,
  tokenFor,
} from '../fixtures.js';

const amina = fakeUser('Amina');
const kofi = fakeUser('Kofi');
const awa = fakeUser('Awa');
let users: Awaited<ReturnType<typeof startUsers>>;
let service: MessagingTestService;
let direct: string;
let threat: string;

beforeAll(async () => {
  users = await startUsers([amina, kofi, awa]);
  service = await startMessaging(users.address);
  direct = (
    await service.app.inject({
      method: 'POST',
      url: '/api/v1/messages/conversations',
      headers: bearer(tokenFor(amina, 'premium')),
      payload: { participantIds: [kofi.id] },
    })
  ).json().id;
  threat = (
    await service.app.inject({
      method: 'POST',
      url: `/api/v1/messages/conversations/${direct}/messages`,
      headers: bearer(tokenFor(kofi, 'premium')),
      payload: { type: 'text', body: { text: 'I know where you live' }, clientMessageId: clientId() },
    })
  ).json().id;
});
afterAll(async () => {
  await service?.close();
  await users?.stop();
});

const report = (who: typeof amina, conversationId: string, messageId: string, reason = 'threat') =>
  service.app.inject({
    method: 'POST',
    url: `/api/v1/messages/conversations/${conversationId}/messages/${messageId}/reports`,
    headers: bearer(tokenFor(who)),
    payload: { reason },
  });

describe('reporting a message', () => {
  it('sends the message with the report to the moderation queue (messaging.message.reported)', async () => {
    const published = await collectPublished(service, 'messaging.message.reported');
    const answer = await report(amina, direct, threat);
    expect(answer.statusCode).toBe(201);
    expect(answer.json()).toMatchObject({ conversationId: direct, messageId: threat, reason: 'threat' });
    const event = await until(() => published[0]);
    expect(event.data).toMatchObject({
      reportId: answer.json().id,
      messageId: threat,
      conversationId: direct,
      senderId: kofi.id,
      reporterId: amina.id,
      message: { type: 'text', body: 'I know where you live' },
    });
  });

  it('is for participants only (404), not for your own message (400), and needs a reason', async () => {
    expect((await report(awa, direct, threat)).statusCode).toBe(404);
    expect((await report(kofi, direct, threat)).statusCode).toBe(400);
    expect((await report(amina, direct, 'msg_01jabcdefghjkmnpqrstvwxyz0')).statusCode).toBe(404);
    expect((await report(amina, direct, threat, '')).statusCode).toBe(400);
  });

  it("a moderator's takedown (admin.message.taken_down) leaves a tombstone for everyone", async () => {
    const envelope = buildEnvelope('admin', AdminMessageTakenDown, {
      messageId: threat,
      conversationId: direct,
      senderId: kofi.id,
      caseId: 'cas_01jabcdefghjkmnpqrstvwxyz0',
      moderatorId: 'usr_admin',
      reason: 'threat',
      at: new Date().toISOString(),
    });
    await service.context.bus.publish({ id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) });
    const gone = await until(async () => {
      const history = await service.app.inject({
        url: `/api/v1/messages/conversations/${direct}/messages`,
        headers: bearer(tokenFor(amina)),
      });
      const message = history.json().items.find((item: { id: string }) => item.id === threat);
      return message?.deletedAt && message;
    });
    expect(JSON.stringify(gone)).not.toContain('I know where you live');
  });
});
