import { createClient, messagingV1 } from '@diaspora/proto';
import { createLogger, newId } from '@diaspora/service-kit';
import { testCallerIdentity } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpcLiveChannel } from '../../src/clients/live.js';
import type { NotificationRecord } from '../../src/domain/types.js';
import { startFakeMessaging } from '../fixtures.js';

let messaging: Awaited<ReturnType<typeof startFakeMessaging>>;
beforeAll(async () => {
  messaging = await startFakeMessaging();
});
afterAll(async () => messaging?.stop());

const notification = (recipientId: string): NotificationRecord => ({
  id: newId('ntf'),
  recipientId,
  type: 'new_event',
  title: 'New event near you',
  body: '“Forum” — FR.',
  data: { eventId: 'evt_x' },
  inApp: true,
  readAt: null,
  createdAt: new Date(),
});

describe('live frames through MessagingRealtime', () => {
  it('a few go straight out; a large fan-out asks presence first and pushes only to open sockets', async () => {
    const client = createClient(messagingV1.MessagingRealtime, messaging.address, {
      deadlineMs: 2000,
      identity: testCallerIdentity('notification'),
    });
    const live = new GrpcLiveChannel(client, createLogger({ service: 'test', level: 'silent' }), 8);
    const few = Array.from({ length: 3 }, () => notification(newId('usr')));
    await live.push(few);
    expect(messaging.frames.map((f) => f.userId)).toEqual(expect.arrayContaining(few.map((n) => n.recipientId)));

    messaging.frames.length = 0;
    const many = Array.from({ length: 600 }, () => notification(newId('usr')));
    const online = [many[3]!, many[550]!];
    for (const n of online) messaging.online.add(n.recipientId);
    await live.push(many);
    expect(messaging.frames.map((f) => f.userId).sort()).toEqual(online.map((n) => n.recipientId).sort());
    expect(messaging.frames[0]!.notification).toMatchObject({ type: 'new_event', title: 'New event near you' });
    client.close();
  });
});
