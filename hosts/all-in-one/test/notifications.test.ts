import { createRequire } from 'node:module';
import { join } from 'node:path';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, testPlatform } from './fixtures.js';

// The "done when", through the gateway of the all-in-one host: a connection request and a comment reach the
// inbox and the member's open chat socket within 5 s, reading lowers the unread count, a type switched off stops.
/** The part of `ws`'s client these tests use. */
interface Socket {
  on(event: 'message', listener: (data: Buffer) => void): void;
  once(event: 'open' | 'error', listener: (value?: unknown) => void): void;
  close(): void;
}
// A real WebSocket client: `ws`, as the messaging service's tests use it (Node 20 has no global WebSocket; borrowing
// messaging's copy keeps the host's dependencies as they are).
const WebSocket = createRequire(join(import.meta.dirname, '../../../services/messaging/package.json'))('ws') as new (
  url: string,
) => Socket;

const platform = testPlatform('notifications', { services: ['user', 'content', 'messaging', 'notification'] });
const { api } = platform;
beforeAll(() => platform.boot(), 120_000);
afterAll(() => platform.dispose());

async function member(name: string) {
  const registered = await api('POST', '/api/v1/users/auth/register', {
    email: `${name}@example.com`,
    password: 'a long passphrase here',
    displayName: name,
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['en'],
  });
  expect(registered.status).toBe(201);
  return { id: registered.body.user.id as string, token: registered.body.accessToken as string };
}

/** A chat socket through the gateway, collecting every frame it receives. */
async function socketOf(token: string) {
  const frames: Json[] = [];
  const socket = new WebSocket(
    `${platform.gatewayUrl.replace(/^http/, 'ws')}/api/v1/messages/ws?token=${encodeURIComponent(token)}`,
  );
  socket.on('message', (data) => frames.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { frames, close: () => socket.close() };
}

const notificationFrame = (frames: Json[], type: string) =>
  frames.find((frame) => frame.op === 'notification' && frame.notification?.type === type);

describe('notifications through the gateway (all-in-one)', () => {
  it('a connection request and a comment arrive live and in the inbox; read lowers the count; off stops them', async () => {
    const amina = await member('amina');
    const kofi = await member('kofi');
    const live = await socketOf(amina.token);
    try {
      const asked = await api('POST', '/api/v1/users/connections', { userId: amina.id }, kofi.token);
      expect(asked.status).toBe(201);
      const requestFrame = await until(() => notificationFrame(live.frames, 'connection_request'), {
        timeoutMs: 5000,
        what: 'the connection request frame',
      });
      expect(requestFrame.notification).toMatchObject({
        title: 'New connection request',
        body: 'kofi wants to connect with you.',
      });

      const post = await api(
        'POST',
        '/api/v1/content/posts',
        { text: 'Hello Paris', visibility: 'public' },
        amina.token,
      );
      expect(post.status).toBe(201);
      const commented = await api(
        'POST',
        `/api/v1/content/posts/${post.body.id}/comments`,
        { text: 'Welcome!' },
        kofi.token,
      );
      expect(commented.status).toBe(201);
      const commentFrame = await until(() => notificationFrame(live.frames, 'comment'), {
        timeoutMs: 5000,
        what: 'the comment frame',
      });
      expect(commentFrame.notification).toMatchObject({ title: 'kofi commented on your post', body: 'Welcome!' });

      const inbox = await api('GET', '/api/v1/notifications/', undefined, amina.token);
      expect(inbox.body.items.map((n: Json) => n.type)).toEqual(['comment', 'connection_request']);
      expect((await api('GET', '/api/v1/notifications/unread-count', undefined, amina.token)).body).toEqual({
        count: 2,
      });
      const read = await api('POST', `/api/v1/notifications/${inbox.body.items[0].id}/read`, undefined, amina.token);
      expect(read.status).toBe(204);
      expect((await api('GET', '/api/v1/notifications/unread-count', undefined, amina.token)).body).toEqual({
        count: 1,
      });
      const stolen = await api('POST', `/api/v1/notifications/${inbox.body.items[1].id}/read`, undefined, kofi.token);
      expect(stolen.status).toBe(404);

      const off = await api(
        'PUT',
        '/api/v1/notifications/preferences',
        { comment: { in_app: false, push: false } },
        amina.token,
      );
      expect(off.status).toBe(200);
      await api('POST', `/api/v1/content/posts/${post.body.id}/comments`, { text: 'Second' }, kofi.token);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(live.frames.filter((frame) => frame.notification?.type === 'comment')).toHaveLength(1);
      const after = await api('GET', '/api/v1/notifications/', undefined, amina.token);
      expect(after.body.items).toHaveLength(2);
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
