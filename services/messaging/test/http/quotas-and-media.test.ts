import { TierChanged } from '@diaspora/events';
import { buildEnvelope, encodeEnvelope } from '@diaspora/service-kit';
import { openStorage } from '@diaspora/service-kit/storage';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaService } from '../../src/domain/media-service.js';
import { PgMediaStore } from '../../src/store/media-repository.js';
import { bearer, fakeUser, type MessagingTestService, startMessaging, startUsers, tokenFor } from '../fixtures.js';

const amina = fakeUser('Amina');
const kofi = fakeUser('Kofi');
const awa = fakeUser('Awa');
const moussa = fakeUser('Moussa');
let users: Awaited<ReturnType<typeof startUsers>>;
let service: MessagingTestService;

beforeAll(async () => {
  users = await startUsers([amina, kofi, awa, moussa]);
  service = await startMessaging(users.address, {
    env: { FREE_DAILY_MESSAGES: '3', FREE_DAILY_NEW_CONVERSATIONS: '1', MEDIA_MAX_BYTES: '4096' },
  });
});
afterAll(async () => {
  await service?.close();
  await users?.stop();
});

const open = (user: { id: string }, participantIds: string[], token = tokenFor(user as never)) =>
  service.app.inject({
    method: 'POST',
    url: '/api/v1/messages/conversations',
    headers: bearer(token),
    payload: { participantIds },
  });
const send = (user: { id: string }, conversationId: string, clientMessageId: string, token = tokenFor(user as never)) =>
  service.app.inject({
    method: 'POST',
    url: `/api/v1/messages/conversations/${conversationId}/messages`,
    headers: bearer(token),
    payload: { type: 'text', body: { text: clientMessageId }, clientMessageId },
  });

describe('free tier quotas', () => {
  it('limit new conversations per day; reopening an existing one is free', async () => {
    expect((await open(awa, [amina.id])).statusCode).toBe(201);
    expect((await open(awa, [amina.id])).statusCode).toBe(200);
    const over = await open(awa, [kofi.id]);
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({
      type: 'https://diaspora.community/problems/messaging-quota-exceeded',
      quota: 'conversations',
      limit: 1,
      upgradeTo: 'premium',
    });
    expect((await open(awa, [kofi.id], tokenFor(awa, 'premium'))).statusCode).toBe(201);
  });

  it('limit messages per day with Retry-After until UTC midnight; replays do not count; premium is unlimited', async () => {
    const conversation = (await open(amina, [kofi.id])).json().id;
    for (const id of ['q1', 'q2', 'q3']) expect((await send(amina, conversation, id)).statusCode).toBe(201);
    expect((await send(amina, conversation, 'q2')).statusCode).toBe(201); // a replay, not a fourth message
    const over = await send(amina, conversation, 'q4');
    expect(over.statusCode).toBe(429);
    const secondsToMidnight = Math.ceil((Math.ceil(Date.now() / 86_400_000) * 86_400_000 - Date.now()) / 1000);
    expect(Math.abs(Number(over.headers['retry-after']) - secondsToMidnight)).toBeLessThanOrEqual(2);
    expect(over.json()).toMatchObject({
      quota: 'messages',
      limit: 3,
      upgradeTo: 'premium',
      resetsAt: expect.any(String),
    });
    expect(over.json().detail).toMatch(/premium/i);

    for (let i = 0; i < 5; i++)
      expect((await send(amina, conversation, `p${i}`, tokenFor(amina, 'premium'))).statusCode).toBe(201);
  });

  it('follows users.tier.changed at once, even before the member gets a new token', async () => {
    const conversation = (await open(kofi, [amina.id], tokenFor(kofi, 'premium'))).json().id;
    const oldToken = tokenFor(kofi, 'free');
    for (const id of ['k1', 'k2', 'k3']) await send(kofi, conversation, id, oldToken);
    expect((await send(kofi, conversation, 'k4', oldToken)).statusCode).toBe(429);

    const envelope = buildEnvelope('payment', TierChanged, {
      userId: kofi.id,
      tier: 'premium',
      at: new Date(Date.now() + 2000).toISOString(), // after the token was issued
    });
    await service.context.bus.publish({ id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) });
    await until(async () => (await send(kofi, conversation, 'k5', oldToken)).statusCode === 201, {
      what: 'the premium tier',
    });
  });
});

describe('media attachments', () => {
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)]);
  const upload = (user: { id: string }, body: Buffer, contentType: string) =>
    service.app.inject({
      method: 'POST',
      url: '/api/v1/messages/media',
      headers: { ...bearer(tokenFor(user as never)), 'content-type': contentType },
      payload: body,
    });

  it('uploads through the storage port, attaches to a text message, and serves members a signed link', async () => {
    const uploaded = await upload(moussa, png, 'image/png');
    expect(uploaded.statusCode).toBe(201);
    expect(uploaded.json()).toMatchObject({
      id: expect.stringMatching(/^med_/),
      contentType: 'image/png',
      size: png.length,
    });

    const conversation = (await open(moussa, [amina.id], tokenFor(moussa, 'premium'))).json().id;
    const sent = await service.app.inject({
      method: 'POST',
      url: `/api/v1/messages/conversations/${conversation}/messages`,
      headers: bearer(tokenFor(moussa, 'premium')),
      payload: { type: 'text', body: {}, clientMessageId: 'photo-1', attachments: [uploaded.json().id] },
    });
    expect(sent.statusCode).toBe(201);
    const attachment = sent.json().attachments[0];
    expect(attachment).toMatchObject({ id: uploaded.json().id, contentType: 'image/png', size: png.length });
    expect(attachment.url).toMatch(/^\/api\/v1\/messages\/media\/messages\/usr_.+\.png\?expires=\d+&sig=/);

    const file = await service.app.inject({ url: attachment.url });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.rawPayload.equals(png)).toBe(true);
    const forged = await service.app.inject({ url: attachment.url.replace(/sig=[^&]+/, 'sig=forged') });
    expect(forged.statusCode).toBe(403);

    // One upload goes with one message only, and only its uploader can attach it.
    const reuse = await service.app.inject({
      method: 'POST',
      url: `/api/v1/messages/conversations/${conversation}/messages`,
      headers: bearer(tokenFor(moussa, 'premium')),
      payload: { type: 'text', body: {}, clientMessageId: 'photo-2', attachments: [uploaded.json().id] },
    });
    expect(reuse.statusCode).toBe(400);

    // Deleting the message for everyone removes the file.
    const removed = await service.app.inject({
      method: 'DELETE',
      url: `/api/v1/messages/conversations/${conversation}/messages/${sent.json().id}`,
      headers: bearer(tokenFor(moussa)),
    });
    expect(removed.statusCode).toBe(204);
    expect((await service.app.inject({ url: attachment.url })).statusCode).toBe(404);
  });

  it('refuses other types, content that is not what it claims, empty and oversized bodies', async () => {
    expect((await upload(moussa, Buffer.from('<html>'), 'text/html')).statusCode).toBe(415);
    const mismatch = await upload(moussa, Buffer.from('<script>alert(1)</script>'), 'image/png');
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().type).toMatch(/content-mismatch$/);
    expect((await upload(moussa, Buffer.alloc(0), 'image/png')).statusCode).toBe(400);
    expect((await upload(moussa, Buffer.concat([png, Buffer.alloc(5000)]), 'image/png')).statusCode).toBe(413);
    const unauthenticated = await service.app.inject({
      method: 'POST',
      url: '/api/v1/messages/media',
      headers: { 'content-type': 'image/png' },
      payload: png,
    });
    expect(unauthenticated.statusCode).toBe(401);
  });

  it('forgets uploads no message used within a day (the hourly purge), files included', async () => {
    const abandoned = (await upload(moussa, png, 'image/png')).json();
    await service.context.db.query(`UPDATE media SET created_at = now() - interval '2 days' WHERE id = $1`, [
      abandoned.id,
    ]);
    const kept = (await upload(moussa, png, 'image/png')).json(); // recent: still waiting for its message
    const media = new MediaService(openStorage(service.config, 'messaging'), new PgMediaStore(service.context.db));
    expect(await media.purgeAbandoned()).toBe(1);
    expect((await service.app.inject({ url: abandoned.url })).statusCode).toBe(404);
    expect((await service.app.inject({ url: kept.url })).statusCode).toBe(200);
  });

  it("cannot attach someone else's upload", async () => {
    const theirs = (await upload(moussa, png, 'image/png')).json().id;
    const conversation = (await open(amina, [moussa.id], tokenFor(amina, 'premium'))).json().id;
    const stolen = await service.app.inject({
      method: 'POST',
      url: `/api/v1/messages/conversations/${conversation}/messages`,
      headers: bearer(tokenFor(amina, 'premium')),
      payload: { type: 'text', body: { text: 'look' }, clientMessageId: 'steal', attachments: [theirs] },
    });
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json().errors[0].field).toBe('attachments');
  });
});
