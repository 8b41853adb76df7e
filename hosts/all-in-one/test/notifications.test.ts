import { DiasporaClient, type ServerFrame } from '@diaspora/sdk';
import { NodeWebSocket } from '@diaspora/sdk/node';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPlatform } from './fixtures.js';

// The "done when", through the gateway of the all-in-one host and the typed SDK: a connection request and a
// comment reach the inbox and the member's open chat socket (the SDK's chat client) within 5 s, reading lowers the
// unread count, a type switched off stops.
const platform = testPlatform('notifications', { services: ['user', 'content', 'messaging', 'notification'] });
const { api } = platform;
beforeAll(() => platform.boot(), 120_000);
afterAll(() => platform.dispose());

async function member(name: string) {
  const sdk = new DiasporaClient({ baseUrl: platform.gatewayUrl });
  const user = await sdk.register({
    email: `${name}@example.com`,
    password: 'a long passphrase here',
    displayName: name,
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['en'],
  });
  return { id: user.id, sdk, api: sdk.api };
}

/** The member's chat socket, collecting the notification frames it receives. */
async function socketOf(sdk: DiasporaClient) {
  const frames: ServerFrame<'notification'>[] = [];
  const chat = sdk.chat({ WebSocket: NodeWebSocket });
  chat.on('notification', (frame) => frames.push(frame));
  await chat.connect();
  return { frames, close: () => chat.close() };
}

const notificationFrame = (frames: ServerFrame<'notification'>[], type: string) =>
  frames.find((frame) => frame.notification.type === type);

describe('notifications through the gateway (all-in-one)', () => {
  it('a connection request and a comment arrive live and in the inbox; read lowers the count; off stops them', async () => {
    const amina = await member('amina');
    const kofi = await member('kofi');
    const live = await socketOf(amina.sdk);
    try {
      const asked = await kofi.api.POST('/api/v1/users/connections', { body: { userId: amina.id } });
      expect(asked.response.status).toBe(201);
      const requestFrame = await until(() => notificationFrame(live.frames, 'connection_request'), {
        timeoutMs: 5000,
        what: 'the connection request frame',
      });
      expect(requestFrame.notification).toMatchObject({
        title: 'New connection request',
        body: 'kofi wants to connect with you.',
      });

      const post = await amina.api.POST('/api/v1/content/posts', {
        body: { text: 'Hello Paris', visibility: 'public' },
      });
      expect(post.response.status).toBe(201);
      const onPost = { params: { path: { postId: post.data!.id } } };
      const commented = await kofi.api.POST('/api/v1/content/posts/{postId}/comments', {
        ...onPost,
        body: { text: 'Welcome!' },
      });
      expect(commented.response.status).toBe(201);
      const commentFrame = await until(() => notificationFrame(live.frames, 'comment'), {
        timeoutMs: 5000,
        what: 'the comment frame',
      });
      expect(commentFrame.notification).toMatchObject({ title: 'kofi commented on your post', body: 'Welcome!' });

      const inbox = (await amina.api.GET('/api/v1/notifications/')).data!;
      expect(inbox.items.map((n) => n.type)).toEqual(['comment', 'connection_request']);
      expect((await amina.api.GET('/api/v1/notifications/unread-count')).data).toEqual({ count: 2 });
      const first = { params: { path: { id: inbox.items[0]!.id } } };
      expect((await amina.api.POST('/api/v1/notifications/{id}/read', first)).response.status).toBe(204);
      expect((await amina.api.GET('/api/v1/notifications/unread-count')).data).toEqual({ count: 1 });
      const second = { params: { path: { id: inbox.items[1]!.id } } };
      expect((await kofi.api.POST('/api/v1/notifications/{id}/read', second)).response.status).toBe(404);

      const off = await amina.api.PUT('/api/v1/notifications/preferences', {
        body: { comment: { in_app: false, push: false } },
      });
      expect(off.response.status).toBe(200);
      await kofi.api.POST('/api/v1/content/posts/{postId}/comments', { ...onPost, body: { text: 'Second' } });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(live.frames.filter((frame) => frame.notification.type === 'comment')).toHaveLength(1);
      const after = (await amina.api.GET('/api/v1/notifications/')).data!;
      expect(after.items).toHaveLength(2);
    } finally {
      live.close();
    }
  }, 60_000);

  it('the unsubscribe link needs no token at the gateway; the inbox does', async () => {
    expect((await api('GET', '/api/v1/notifications/')).status).toBe(401);
    const forged = await api('POST', '/api/v1/notifications/unsubscribe?token=abc.def');
    expect(forged.status).toBe(400);
  });
});
