import { randomBytes } from 'node:crypto';
import { sleep } from '@diaspora/testing';
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

// Real WebSocket clients through the dev gateway built from the repository's kong/kong.yml (jwt from ?token=,
// upgrade tunnelling), as in all-in-one mode; and two messaging instances sharing one bus, cache and database.
const amina = fakeUser('Amina');
const kofi = fakeUser('Kofi');
let users: Awaited<ReturnType<typeof startUsers>>;
const stops: (() => Promise<void>)[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  users = await startUsers([amina, kofi]);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  for (const stop of stops.reverse()) await stop();
  await users?.stop();
});

async function instance(env: Record<string, string> = {}) {
  const service = await startMessaging(users.address, { listen: true, env });
  const gateway = await startGatewayFor(service.addresses!.httpUrl);
  stops.push(
    () => service.close(),
    () => gateway.close(),
  );
  return { service, gateway };
}

async function directConversation(service: MessagingTestService) {
  const response = await service.app.inject({
    method: 'POST',
    url: '/api/v1/messages/conversations',
    headers: bearer(tokenFor(amina, 'premium')),
    payload: { participantIds: [kofi.id] },
  });
  return response.json().id as string;
}

const connect = async (gatewayUrl: string, user: { id: string }, resume?: Record<string, unknown>) => {
  const client = await TestClient.connect(gatewayUrl, tokenFor(user as never, 'premium'));
  clients.push(client);
  if (resume) expect(await client.request({ op: 'resume', ...resume })).toMatchObject({ op: 'synced' });
  else await client.next((frame) => frame.op === 'synced');
  return client;
};

const sendFrame = (conversationId: string, text: string, id = clientId()) => ({
  op: 'send',
  conversationId,
  type: 'text',
  body: { text },
  clientMessageId: id,
});
const texts = (frames: Record<string, unknown>[]) =>
  frames.map((f) => (f.message as { body: { text: string } }).body.text);

describe('one instance behind the gateway', () => {
  let gatewayUrl: string;
  let service: MessagingTestService;
  let conversation: string;

  beforeAll(async () => {
    ({
      service,
      gateway: { url: gatewayUrl },
    } = await instance());
    conversation = await directConversation(service);
  });

  it('sends, then reports delivered when a device got it and read when it was read', async () => {
    const aminaSocket = await connect(gatewayUrl, amina, {});
    const kofiSocket = await connect(gatewayUrl, kofi, {});
    const ack = await aminaSocket.request(sendFrame(conversation, 'Bonjour Kofi 👋🏾'));
    expect(ack).toMatchObject({ op: 'ack', replayed: false, message: { status: 'sent', senderId: amina.id } });
    const sent = ack.message as { id: string; seq: number };

    const received = await kofiSocket.next((f) => f.op === 'message');
    expect(received.message).toMatchObject({ id: sent.id, seq: sent.seq, body: { text: 'Bonjour Kofi 👋🏾' } });
    expect(await aminaSocket.next((f) => f.op === 'status' && f.status === 'delivered')).toMatchObject({
      conversationId: conversation,
      userId: kofi.id,
      upToMessageId: sent.id,
      upToSeq: sent.seq,
    });

    expect(await kofiSocket.request({ op: 'read', conversationId: conversation, upTo: sent.id })).toMatchObject({
      op: 'ack',
      lastReadSeq: sent.seq,
    });
    expect(await aminaSocket.next((f) => f.op === 'status' && f.status === 'read')).toMatchObject({
      userId: kofi.id,
      upToMessageId: sent.id,
    });
    // The sender's own devices get the message too (multi-device sync), and REST agrees on the status.
    expect((await aminaSocket.next((f) => f.op === 'message')).message).toMatchObject({ id: sent.id });
    const history = await fetch(`${gatewayUrl}/api/v1/messages/conversations/${conversation}/messages`, {
      headers: bearer(tokenFor(amina)),
    });
    expect(((await history.json()) as { items: unknown[] }).items[0]).toMatchObject({ id: sent.id, status: 'read' });
    await Promise.all([aminaSocket.close(), kofiSocket.close()]);
  });

  it('never duplicates an idempotent resend', async () => {
    const aminaSocket = await connect(gatewayUrl, amina, {});
    const kofiSocket = await connect(gatewayUrl, kofi, {});
    const id = clientId();
    const first = await aminaSocket.request(sendFrame(conversation, 'once', id));
    const again = await aminaSocket.request(sendFrame(conversation, 'once', id));
    expect(again).toMatchObject({ op: 'ack', replayed: true, message: { id: (first.message as { id: string }).id } });
    await kofiSocket.next((f) => f.op === 'message');
    await sleep(300);
    expect(kofiSocket.all('message')).toHaveLength(0);
    await Promise.all([aminaSocket.close(), kofiSocket.close()]);
  });

  it('catches a reconnecting device up from its last seen message: in order, exactly once', async () => {
    const kofiPhone = await connect(gatewayUrl, kofi, {});
    const ack = await (await connect(gatewayUrl, amina, {})).request(sendFrame(conversation, 'before'));
    const lastSeen = (await kofiPhone.next((f) => f.op === 'message')).message as { id: string };
    expect(lastSeen.id).toBe((ack.message as { id: string }).id);
    await kofiPhone.close();

    const post = (text: string) =>
      service.app.inject({
        method: 'POST',
        url: `/api/v1/messages/conversations/${conversation}/messages`,
        headers: bearer(tokenFor(amina, 'premium')),
        payload: { type: 'text', body: { text }, clientMessageId: clientId() },
      });
    for (const text of ['m1', 'm2', 'm3']) await post(text);

    // Reconnected, but m4 goes out live before the device resumes: it must come once, in its place.
    const back = await TestClient.connect(gatewayUrl, tokenFor(kofi, 'premium'));
    clients.push(back);
    await post('m4');
    await sleep(100);
    const synced = await back.request({ op: 'resume', lastMessageId: lastSeen.id });
    expect(synced).toMatchObject({ op: 'synced', sent: 4, ignored: [] });
    await post('m5');
    await back.next((f) => f.op === 'message' && (f.message as { body: { text: string } }).body.text === 'm5');
    await sleep(200);
    expect(texts(back.all('message'))).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(back.all('message').map((f) => (f.message as { seq: number }).seq)).toEqual(
      [1, 2, 3, 4].map((i) => (lastSeen as unknown as { seq: number }).seq + i),
    );
    await back.close();
  });

  it('serves each device its own cursor: a laptop offline while the phone read on still gets everything', async () => {
    const phone = await connect(gatewayUrl, kofi, {});
    const aminaSocket = await connect(gatewayUrl, amina, {});
    const anchor = (await aminaSocket.request(sendFrame(conversation, 'anchor'))).message as { id: string };
    await phone.next((f) => f.op === 'message' && (f.message as { id: string }).id === anchor.id);
    for (const text of ['p1', 'p2']) await aminaSocket.request(sendFrame(conversation, text));
    await phone.next((f) => f.op === 'message' && (f.message as { body: { text: string } }).body.text === 'p2');
    // Delivered to Kofi (the phone), yet the laptop, last seen at the anchor, gets both.
    const laptop = await TestClient.connect(gatewayUrl, tokenFor(kofi, 'premium'));
    clients.push(laptop);
    expect(await laptop.request({ op: 'resume', lastMessageIds: [anchor.id] })).toMatchObject({ sent: 2 });
    expect(texts(laptop.all('message'))).toEqual(['p1', 'p2']);
    // A device that says nothing gets what no device of the member received: nothing here.
    const tablet = await connect(gatewayUrl, kofi);
    await sleep(100);
    expect(tablet.all('message')).toEqual([]);
  });

  it('accepts attachment uploads above the global 1 MB body limit, and serves them by signed link', async () => {
    const photo = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(3 * 1024 * 1024, 1)]);
    const uploaded = await fetch(`${gatewayUrl}/api/v1/messages/media`, {
      method: 'POST',
      headers: { ...bearer(tokenFor(amina)), 'content-type': 'image/jpeg' },
      body: photo,
    });
    expect(uploaded.status).toBe(201);
    const { url } = (await uploaded.json()) as { url: string };
    const file = await fetch(`${gatewayUrl}${url}`); // public route: the signature is the credential
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(photo)).toBe(true);
    const unsigned = await fetch(`${gatewayUrl}${url.split('?')[0]}`);
    expect(unsigned.status).toBe(400);
  });

  it('delivers offline messages to the first device that comes back, without a resume frame', async () => {
    await Promise.all(clients.map((client) => client.close()));
    await service.app.inject({
      method: 'POST',
      url: `/api/v1/messages/conversations/${conversation}/messages`,
      headers: bearer(tokenFor(amina, 'premium')),
      payload: { type: 'text', body: { text: 'while you were away' }, clientMessageId: clientId() },
    });
    const kofiSocket = await connect(gatewayUrl, kofi);
    expect(texts(kofiSocket.all('message'))).toEqual(['while you were away']);
  });
});

async function twoInstances(env: Record<string, string>) {
  const isolation = randomBytes(4).toString('hex');
  const shared = { BUS_URL: `memory://pair-${isolation}`, CACHE_URL: `memory://pair-${isolation}`, ...env };
  const one = await instance(shared);
  const two = await instance({ ...shared, DATABASE_URL: one.service.config.DATABASE_URL });
  return { one, two };
}

async function chatAcross(one: Awaited<ReturnType<typeof instance>>, two: Awaited<ReturnType<typeof instance>>) {
  const conversation = await directConversation(one.service);
  const aminaSocket = await connect(one.gateway.url, amina, {});
  const kofiSocket = await connect(two.gateway.url, kofi, {});
  expect(await aminaSocket.next((f) => f.op === 'presence' && f.userId === kofi.id)).toMatchObject({
    status: 'online',
  });

  const hello = (await aminaSocket.request(sendFrame(conversation, 'hello from instance one'))).message as {
    id: string;
  };
  expect((await kofiSocket.next((f) => f.op === 'message')).message).toMatchObject({ id: hello.id });
  expect(await aminaSocket.next((f) => f.op === 'status' && f.status === 'delivered')).toMatchObject({
    upToMessageId: hello.id,
  });
  await kofiSocket.request({ op: 'read', conversationId: conversation, upTo: hello.id });
  expect(await aminaSocket.next((f) => f.op === 'status' && f.status === 'read')).toMatchObject({ userId: kofi.id });
  const reply = (await kofiSocket.request(sendFrame(conversation, 'and back from two'))).message as { id: string };
  expect(
    (await aminaSocket.next((f) => f.op === 'message' && (f.message as { id: string }).id === reply.id)).message,
  ).toMatchObject({ body: { text: 'and back from two' } });
  kofiSocket.send({ op: 'typing', conversationId: conversation });
  expect(await aminaSocket.next((f) => f.op === 'typing')).toMatchObject({ userId: kofi.id });

  // A burst from both sides arrives complete and in order on each side.
  for (let i = 0; i < 20; i++) {
    aminaSocket.send(sendFrame(conversation, `a${i}`));
    kofiSocket.send(sendFrame(conversation, `k${i}`));
    await sleep(60); // within the per-connection rate limit
  }
  const seqsOf = async (client: TestClient) => {
    const seen: number[] = [];
    const burst = (f: { op: string; message?: unknown }) =>
      f.op === 'message' && /^[ak]\d+$/.test((f.message as { body: { text: string } }).body.text);
    while (seen.length < 40) seen.push(((await client.next(burst)).message as { seq: number }).seq);
    return seen;
  };
  const [onOne, onTwo] = await Promise.all([seqsOf(aminaSocket), seqsOf(kofiSocket)]);
  expect(onOne).toEqual([...onOne].sort((a, b) => a - b));
  expect(onTwo).toEqual(onOne);
  expect(new Set(onOne).size).toBe(40);

  // Both online: no notification event for anyone.
  const outbox = await one.service.context.db.query(
    "SELECT count(*)::int AS n FROM outbox WHERE subject = 'messaging.message.created'",
  );
  expect(outbox.rows[0]!.n).toBe(0);
  await kofiSocket.close();
  expect(await aminaSocket.next((f) => f.op === 'presence' && f.userId === kofi.id)).toMatchObject({
    status: 'offline',
  });
  await aminaSocket.close();
}

describe('two instances on one bus', () => {
  it('chat across instances: messages, statuses, typing and presence', async () => {
    const { one, two } = await twoInstances({});
    await chatAcross(one, two);
  });

  const natsUrl = process.env.NATS_URL;
  const redisUrl = process.env.REDIS_URL;
  it.skipIf(!natsUrl || !redisUrl)('chat across instances over real NATS subjects and a Redis registry', async () => {
    const { one, two } = await twoInstances({ REALTIME_URL: natsUrl!, PRESENCE_URL: redisUrl! });
    expect(one.service.config.REALTIME_URL).toBe(natsUrl);
    await chatAcross(one, two);
  });
});
