import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  clientId,
  fakeUser,
  type MessagingTestService,
  startGatewayFor,
  startMessaging,
  startUsers,
  TestClient,
  tokenFor,
} from '../fixtures.js';

// Caps, oversized frames, flood closes and odd text, against one instance (and through the gateway for 1009).
const amina = fakeUser('Amina');
const kofi = fakeUser('Kofi');
const crowd = Array.from({ length: 6 }, (_, i) => fakeUser(`Crowd ${i}`));
let users: Awaited<ReturnType<typeof startUsers>>;
let service: MessagingTestService;
let gateway: Awaited<ReturnType<typeof startGatewayFor>>;
let url: string;
let direct: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  users = await startUsers([amina, kofi, ...crowd]);
  service = await startMessaging(users.address, {
    listen: true,
    env: {
      WS_MAX_CONNECTIONS_PER_MEMBER: '2',
      WS_MAX_CONNECTIONS_PER_IP: '6',
      WS_RATE_PER_SECOND: '5',
      WS_RATE_BURST: '10',
      WS_FLOOD_CLOSE_AFTER: '20',
      WS_RESUME_WAIT_MS: '0',
    },
  });
  url = service.addresses!.httpUrl;
  gateway = await startGatewayFor(url);
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
  await gateway?.close();
  await service?.close();
  await users?.stop();
});

async function connect(user: { id: string }, base = url) {
  const client = await TestClient.connect(base, tokenFor(user as never, 'premium'));
  clients.push(client);
  await client.next((frame) => frame.op === 'synced');
  return client;
}

const refusal = (user: { id: string }) =>
  TestClient.connect(url, tokenFor(user as never, 'premium')).then(
    () => {
      throw new Error('the upgrade was accepted');
    },
    (error: { status: number; body: string }) => error,
  );

describe('connection caps', () => {
  it('refuses a member more devices than allowed with a 429 problem, and admits again once one leaves', async () => {
    const first = await connect(kofi);
    await connect(kofi);
    const refused = await refusal(kofi);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({ type: expect.stringMatching(/too-many-connections$/) });
    await first.close();
    await connect(kofi);
  });

  it('refuses one address more sockets than allowed, whoever they belong to', async () => {
    // Kofi holds two; four more from other members reach the cap of six for 127.0.0.1.
    for (const member of crowd.slice(0, 4)) await connect(member);
    const refused = await refusal(crowd[4]!);
    expect(refused.status).toBe(429);
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await connect(crowd[5]!);
  });
});

describe('oversized frames', () => {
  it('a 2 MB frame closes the socket with 1009, directly and through the gateway', async () => {
    for (const base of [url, gateway.url]) {
      const client = await connect(amina, base);
      client.socket.send('x'.repeat(2 * 1024 * 1024));
      expect((await client.waitClosed()).code, base).toBe(1009);
    }
  });
});

describe('the flood limit', () => {
  it('acknowledges every message it stored before closing the socket (1008)', async () => {
    const client = await connect(amina);
    const refs = Array.from({ length: 10 }, (_, i) => `flood-${i}`);
    for (const ref of refs)
      client.send({ op: 'send', ref, conversationId: direct, type: 'text', body: { text: ref }, clientMessageId: ref });
    for (let i = 0; i < 40; i++) client.send({ op: 'ping' });
    expect((await client.waitClosed()).code).toBe(1008);
    const acked = client.frames.filter((frame) => frame.op === 'ack' && refs.includes(String(frame.ref)));
    const history = await service.app.inject({
      url: `/api/v1/messages/conversations/${direct}/messages?limit=50`,
      headers: bearer(tokenFor(amina, 'premium')),
    });
    const stored = (history.json().items as { body: { text?: string } }[])
      .map((message) => message.body.text)
      .filter((text) => text?.startsWith('flood-'));
    expect(stored.length).toBeGreaterThan(0);
    expect(acked.map((frame) => frame.ref).sort()).toEqual([...stored].sort());
  });
});

describe('message text', () => {
  it('takes CR LF line breaks like LF (stored as LF), over the socket and REST', async () => {
    const client = await connect(amina);
    const ack = await client.request({
      op: 'send',
      conversationId: direct,
      type: 'text',
      body: { text: 'line one\r\nline two\rline three' },
      clientMessageId: clientId(),
    });
    expect(ack).toMatchObject({ op: 'ack', message: { body: { text: 'line one\nline two\nline three' } } });
    const rest = await service.app.inject({
      method: 'POST',
      url: `/api/v1/messages/conversations/${direct}/messages`,
      headers: bearer(tokenFor(amina, 'premium')),
      payload: { type: 'text', body: { text: 'a\r\nb' }, clientMessageId: clientId() },
    });
    expect(rest.statusCode).toBe(201);
    expect(rest.json().body.text).toBe('a\nb');
  });

  it('refuses unpaired surrogates with a validation error, over the socket and REST', async () => {
    const client = await connect(amina);
    client.socket.send(
      `{"op":"send","ref":"lone","conversationId":"${direct}","type":"text","body":{"text":"bad \\ud800 text"},"clientMessageId":"${clientId()}"}`,
    );
    const error = await client.next((frame) => frame.ref === 'lone');
    expect(error).toMatchObject({ op: 'error', code: 'validation' });
    const rest = await service.app.inject({
      method: 'POST',
      url: `/api/v1/messages/conversations/${direct}/messages`,
      headers: { ...bearer(tokenFor(amina, 'premium')), 'content-type': 'application/json' },
      payload: `{"type":"text","body":{"text":"bad \\udfff"},"clientMessageId":"${clientId()}"}`,
    });
    expect(rest.statusCode).toBe(400);
    expect(await client.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
  });
});
