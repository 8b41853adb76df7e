import { AdminSettingsUpdated, type EventData } from '@diaspora/events';
import { buildEnvelope, encodeEnvelope } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, fakeUser, type MessagingTestService, startMessaging, startUsers, tokenFor } from '../fixtures.js';

const amina = fakeUser('Amina');
const kofi = fakeUser('Kofi');
let users: Awaited<ReturnType<typeof startUsers>>;
let service: MessagingTestService;

beforeAll(async () => {
  users = await startUsers([amina, kofi]);
  service = await startMessaging(users.address, { env: { FREE_DAILY_MESSAGES: '5' } });
});
afterAll(async () => {
  await service?.close();
  await users?.stop();
});

const settings = (quota: number, at: string): EventData<typeof AdminSettingsUpdated> => ({
  settings: {
    freeMessagingDailyQuota: quota,
    consulYearlyQuota: 4,
    reportThreshold: 3,
    wordLists: {},
    sponsoredFeed: { every: 8, items: [] },
  },
  changed: ['freeMessagingDailyQuota'],
  byUserId: 'usr_admin',
  at,
});

async function deliver(data: EventData<typeof AdminSettingsUpdated>) {
  const envelope = buildEnvelope('admin', AdminSettingsUpdated, data);
  await service.context.bus.publish({ id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) });
}

const send = (conversationId: string, clientMessageId: string) =>
  service.app.inject({
    method: 'POST',
    url: `/api/v1/messages/conversations/${conversationId}/messages`,
    headers: bearer(tokenFor(amina)),
    payload: { type: 'text', body: { text: clientMessageId }, clientMessageId },
  });

describe('platform settings from the admin dashboard', () => {
  it('applies the free-tier daily message quota an admin set; an older change arriving late is ignored', async () => {
    await deliver(settings(1, new Date().toISOString()));
    await deliver(settings(9, new Date(Date.now() - 60_000).toISOString()));
    await until(async () => {
      const { rows } = await service.context.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM processed_events WHERE consumer = 'admin-settings'",
      );
      return rows[0]!.n === 2;
    });
    const conversation = (
      await service.app.inject({
        method: 'POST',
        url: '/api/v1/messages/conversations',
        headers: bearer(tokenFor(amina)),
        payload: { participantIds: [kofi.id] },
      })
    ).json().id;
    expect((await send(conversation, 's1')).statusCode).toBe(201);
    const over = await send(conversation, 's2');
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ quota: 'messages', limit: 1 });
  });
});
