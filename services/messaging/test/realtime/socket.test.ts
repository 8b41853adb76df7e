import { createClient, messagingV1 } from '@diaspora/proto';
import { sleep } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import {
  bearer,
  clientId,
  fakeUser,
  type MessagingTestService,
  startMessaging,
  startUsers,
  TestClient,
  tokenFor,
} from '../fixtures.js';

// Edge cases against one instance directly; the end-to-end flows run through the gateway (through-gateway.test.ts).
const amina = fakeUser('Amina');
const kofi = fakeUser('Kofi');
const awa = fakeUser('Awa');
let users: Awaited<ReturnType<typeof startUsers>>;
let service: MessagingTestService;
let url: string;
let direct: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  users = await startUsers([amina, kofi, awa]);
  service = await startMessaging(users.address, {
    listen: true,
    env: {
      WS_MAX_FRAME_BYTES: '2048',
      WS_RATE_PER_SECOND: '5',
      WS_RATE_BURST: '10',
      WS_FLOOD_CLOSE_AFTER: '20',
      WS_HEARTBEAT_MS: '300',
      WS_MAX_BUFFERED_BYTES: '65536',
      WS_TOKEN_WARNING_SECONDS: '1',
      WS_RESUME_WAIT_MS: '0',
    },
  });
  url = service.addresses!.httpUrl;
  direct = (
    await service.app.inject({
      method: 'POST',
      url: '/api/v1/messages/conversations',
      headers: bearer(tokenFor(amina, 'premium')),
      payload: { participantIds: [kofi.id] },
    })
  ).json().id;
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await service?.close();
  await users?.stop();
});

const connect = async (
  user: { id: string },
  tier: 'free' | 'premium' = 'premium',
  options?: WebSocket.ClientOptions,
) => {
  const client = await TestClient.connect(url, tokenFor(user as never, tier), options);
  clients.push(client);
  await client.next((frame) => frame.op === 'synced');
  return client;
};

describe('the upgrade', () => {
  it('is refused with a problem+json 401 without a valid token, verified by the service itself', async () => {
    await expect(TestClient.connect(url, '')).rejects.toMatchObject({ status: 401 });
    const rejection = (await TestClient.connect(url, 'e30.e30.e30').catch((error: unknown) => error)) as {
      status: number;
      body: string;
    };
    expect(rejection.status).toBe(401);
    expect(JSON.parse(rejection.body)).toMatchObject({ type: expect.stringMatching(/invalid-token$/) });
    await expect(TestClient.connect(url, tokenFor(amina, 'free', -60))).rejects.toMatchObject({ status: 401 });
  });
});

describe('bad frames', () => {
  it('get an error frame each and the connection stays usable', async () => {
    const client = await connect(awa);
    client.socket.send('{oops');
    expect(await client.next((f) => f.op === 'error')).toMatchObject({ code: 'bad_frame' });
    client.send({ op: 'teleport', ref: 't1' });
    expect(await client.next((f) => f.op === 'error')).toMatchObject({ code: 'unknown_op', ref: 't1' });
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next((f) => f.op === 'error')).toMatchObject({ code: 'bad_frame' });
    client.send({ op: 'ping', ref: 'big', pad: 'x'.repeat(3000) });
    expect(await client.next((f) => f.op === 'error')).toMatchObject({ code: 'frame_too_large' });
    const invalid = await client.request({ op: 'send', conversationId: direct, type: 'text', body: { text: 'x' } });
    expect(invalid).toMatchObject({ op: 'error', code: 'validation', errors: [{ field: 'clientMessageId' }] });
    const notMine = await client.request({
      op: 'send',
      conversationId: direct,
      type: 'text',
      body: { text: 'let me in' },
      clientMessageId: clientId(),
    });
    expect(notMine).toMatchObject({ op: 'error', code: 'forbidden', status: 403 });
    const badLocation = await client.request({
      op: 'send',
      conversationId: direct,
      type: 'location',
      body: { lat: 91, lon: 0 },
      clientMessageId: clientId(),
    });
    expect(badLocation).toMatchObject({
      op: 'error',
      code: 'validation',
      problem: { errors: [{ field: 'body.lat' }] },
    });
    expect(await client.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
    expect(client.closed).toBeUndefined();
  });

  it('far above the limit close the socket with 1009 before anything is buffered', async () => {
    const client = await connect(awa);
    client.socket.send('x'.repeat(2048 * 4 + 1));
    expect((await client.waitClosed()).code).toBe(1009);
  });
});

describe('flooding', () => {
  it('is answered with rate_limited frames, and a socket that keeps going is closed (1008)', async () => {
    const client = await connect(awa);
    for (let i = 0; i < 15; i++) client.send({ op: 'ping' });
    const limited = await client.next((f) => f.op === 'error' && f.code === 'rate_limited');
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    await sleep(1500); // the bucket refills
    expect(await client.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
    for (let i = 0; i < 40; i++) client.send({ op: 'ping' });
    expect(await client.waitClosed()).toMatchObject({ code: 1008 });
  });
});

describe('token lifetime', () => {
  it('warns before the token expires, then closes with 4001 unless a refresh frame came', async () => {
    const short = await TestClient.connect(url, tokenFor(awa, 'premium', 3));
    clients.push(short);
    expect(await short.next((f) => f.op === 'token_expiring', 4000)).toMatchObject({ expiresAt: expect.any(String) });
    expect(await short.waitClosed(4000)).toMatchObject({ code: 4001 });

    const refreshed = await TestClient.connect(url, tokenFor(awa, 'premium', 3));
    clients.push(refreshed);
    const ack = await refreshed.request({ op: 'refresh', token: tokenFor(awa, 'premium', 120) });
    expect(ack).toMatchObject({ op: 'ack', tokenExpiresAt: expect.any(String) });
    const someoneElse = await refreshed.request({ op: 'refresh', token: tokenFor(kofi, 'premium', 120) });
    expect(someoneElse).toMatchObject({ op: 'error', code: 'forbidden' });
    await sleep(4500);
    expect(refreshed.closed).toBeUndefined();
    expect(await refreshed.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
  });
});

describe('heartbeats', () => {
  it('terminate a client that stops answering pings', async () => {
    const silent = await connect(awa, 'premium', { autoPong: false });
    expect((await silent.waitClosed(3000)).code).toBe(1006);
    const healthy = await connect(awa);
    await sleep(1000);
    expect(healthy.closed).toBeUndefined();
  });
});

describe('slow consumers', () => {
  it('are dropped instead of buffered without limit, and counted', async () => {
    // Its own instance: with the short heartbeat above, a device that stops reading would be dropped for that.
    const roomy = await startMessaging(users.address, { listen: true, env: { WS_MAX_BUFFERED_BYTES: '65536' } });
    const pusher = createClient(messagingV1.MessagingRealtime, roomy.addresses!.grpcAddress, { deadlineMs: 2000 });
    try {
      const slow = await TestClient.connect(roomy.addresses!.httpUrl, tokenFor(kofi, 'premium'));
      const raw = (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      raw.pause(); // the device stops reading: the kernel buffers fill, then the server's own buffer
      const body = 'n'.repeat(60_000);
      const dropped = async () =>
        /websocket_slow_consumers_dropped_total\{[^}]*\} [1-9]/.test(
          await (await fetch(`${roomy.addresses!.httpUrl}/metrics`)).text(),
        );
      for (let i = 0; i < 1000 && !(await dropped()); i++) {
        await pusher.pushNotification({
          userId: kofi.id,
          notification: { id: `ntf_${i}`, type: 'comment', title: 'Hi', body, dataJson: '{}', createdAt: '' },
        });
      }
      expect(await dropped()).toBe(true);
      raw.resume();
      await slow.waitClosed(5000);
      expect((await pusher.getPresence({ userIds: [kofi.id] })).onlineUserIds).toEqual([]);
    } finally {
      pusher.close();
      await roomy.close();
    }
  });
});

describe('the gRPC entry point for notifications', () => {
  it('pushes a notification frame to every device of the user and reports presence', async () => {
    const phone = await connect(awa);
    const laptop = await connect(awa);
    const pusher = createClient(messagingV1.MessagingRealtime, service.addresses!.grpcAddress, { deadlineMs: 2000 });
    try {
      const answer = await pusher.pushNotification({
        userId: awa.id,
        notification: {
          id: 'ntf_1',
          type: 'event_invitation',
          title: 'Gala 2025',
          body: 'You are invited',
          dataJson: '{"eventId":"evt_1"}',
          createdAt: '',
        },
      });
      expect(answer.online).toBe(true);
      for (const device of [phone, laptop])
        expect(await device.next((f) => f.op === 'notification')).toMatchObject({
          notification: { id: 'ntf_1', type: 'event_invitation', title: 'Gala 2025', data: { eventId: 'evt_1' } },
        });
      expect((await pusher.getPresence({ userIds: [awa.id, 'usr_01jzzzzzzzzzzzzzzzzzzzzzzz'] })).onlineUserIds).toEqual(
        [awa.id],
      );
      const offline = await pusher.pushNotification({
        userId: 'usr_01jzzzzzzzzzzzzzzzzzzzzzzz',
        notification: { id: 'ntf_2', type: 'comment', title: 'x', body: '', dataJson: '', createdAt: '' },
      });
      expect(offline.online).toBe(false);
      await expect(
        pusher.pushNotification({
          userId: awa.id,
          notification: { id: 'n', type: 't', title: 'x', body: '', dataJson: '[1]', createdAt: '' },
        }),
      ).rejects.toMatchObject({ code: 3 });
    } finally {
      pusher.close();
    }
  });
});

describe('typing and presence', () => {
  it('relays typing to the other members (throttled) and tells direct peers who comes and goes', async () => {
    const aminaSocket = await connect(amina);
    const kofiSocket = await connect(kofi);
    expect(await aminaSocket.next((f) => f.op === 'presence' && f.userId === kofi.id)).toMatchObject({
      status: 'online',
    });
    kofiSocket.send({ op: 'typing', conversationId: direct });
    kofiSocket.send({ op: 'typing', conversationId: direct });
    expect(await aminaSocket.next((f) => f.op === 'typing')).toMatchObject({ conversationId: direct, userId: kofi.id });
    await sleep(200);
    expect(aminaSocket.all('typing')).toHaveLength(0);
    const notMember = await (await connect(awa)).request({ op: 'typing', conversationId: direct });
    expect(notMember).toMatchObject({ op: 'error', code: 'forbidden' });
    // Kofi has more sockets open from other tests: offline only once every one of them is gone.
    for (const client of clients.filter((c) => c !== aminaSocket)) await client.close();
    expect(await aminaSocket.next((f) => f.op === 'presence' && f.userId === kofi.id)).toMatchObject({
      status: 'offline',
    });
  });
});
