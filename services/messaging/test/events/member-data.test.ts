import { BlockCreated, UserDeleted } from '@diaspora/events';
import { commonV1, createClient } from '@diaspora/proto';
import { buildEnvelope, encodeEnvelope } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, fakeUser, type MessagingTestService, startMessaging, startUsers, tokenFor } from '../fixtures.js';

const amina = fakeUser('Amina');
const kofi = fakeUser('Kofi');
const awa = fakeUser('Awa');
let users: Awaited<ReturnType<typeof startUsers>>;
let service: MessagingTestService;

beforeAll(async () => {
  users = await startUsers([amina, kofi, awa]);
  service = await startMessaging(users.address, { listen: true, env: { RELATIONSHIP_CACHE_SECONDS: '300' } });
});
afterAll(async () => {
  await service?.close();
  await users?.stop();
});

const api = (method: 'GET' | 'POST' | 'PUT', url: string, user: { id: string }, payload?: object) =>
  service.app.inject({
    method,
    url: `/api/v1/messages${url}`,
    headers: bearer(tokenFor(user as never, 'premium')),
    ...(payload ? { payload } : {}),
  });
const publish = async (definition: typeof UserDeleted | typeof BlockCreated, data: object) => {
  const envelope = buildEnvelope('user', definition, data as never);
  await service.context.bus.publish({ id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) });
  return envelope;
};

describe('GDPR export (commonV1.UserData)', () => {
  it("returns the member's conversations, the messages they wrote and their uploads, nobody else's words", async () => {
    const direct = (await api('POST', '/conversations', awa, { participantIds: [kofi.id] })).json().id;
    await api('POST', `/conversations/${direct}/messages`, awa, {
      type: 'text',
      body: { text: 'mine' },
      clientMessageId: 'e1',
    });
    await api('POST', `/conversations/${direct}/messages`, kofi, {
      type: 'text',
      body: { text: 'his' },
      clientMessageId: 'e2',
    });
    const client = createClient(commonV1.UserData, service.addresses!.grpcAddress, { deadlineMs: 2000 });
    try {
      const answer = await client.exportUserData({ userId: awa.id });
      expect(answer.service).toBe('messaging');
      const document = JSON.parse(answer.json);
      expect(document.conversations).toEqual([expect.objectContaining({ id: direct, type: 'direct', role: 'member' })]);
      expect(document.messagesSent).toEqual([
        expect.objectContaining({
          conversationId: direct,
          type: 'text',
          body: { text: 'mine' },
          clientMessageId: 'e1',
        }),
      ]);
      expect(answer.json).not.toContain('his');
      expect(JSON.parse((await client.exportUserData({ userId: 'usr_01jzzzzzzzzzzzzzzzzzzzzzzz' })).json)).toEqual({
        conversations: [],
        messagesSent: [],
        media: [],
      });
      await expect(client.exportUserData({ userId: '' })).rejects.toMatchObject({ code: 3 });
    } finally {
      client.close();
    }
  });
});

describe('erasure on users.user.deleted', () => {
  it("empties the member's messages, memberships and files, keeps the others' history in order, once", async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(16)]);
    const upload = await service.app.inject({
      method: 'POST',
      url: '/api/v1/messages/media',
      headers: { ...bearer(tokenFor(amina)), 'content-type': 'image/png' },
      payload: png,
    });
    const direct = (await api('POST', '/conversations', amina, { participantIds: [kofi.id] })).json().id;
    const group = (await api('POST', '/conversations', amina, { participantIds: [kofi.id, awa.id], title: 'g' })).json()
      .id;
    const photo = await api('POST', `/conversations/${direct}/messages`, amina, {
      type: 'text',
      body: { text: 'my secret' },
      clientMessageId: 'd1',
      attachments: [upload.json().id],
    });
    const fileUrl = photo.json().attachments[0].url;
    await api('POST', `/conversations/${direct}/messages`, kofi, {
      type: 'text',
      body: { text: 'reply' },
      clientMessageId: 'd2',
    });
    await api('POST', `/conversations/${group}/messages`, amina, {
      type: 'location',
      body: { lat: 1, lon: 2 },
      clientMessageId: 'd3',
    });

    const event = await publish(UserDeleted, { userId: amina.id, deletedAt: new Date().toISOString() });
    await until(
      async () => {
        const { rows } = await service.context.db.query(
          'SELECT count(*)::int AS n FROM messages WHERE sender_id = $1',
          [amina.id],
        );
        return rows[0]!.n === 0;
      },
      { what: 'the erasure' },
    );

    const history = (await api('GET', `/conversations/${direct}/messages`, kofi)).json().items;
    expect(history.map((m: { body: object; senderId: string }) => [m.senderId, m.body])).toEqual([
      [kofi.id, { text: 'reply' }],
      ['usr_erased', {}],
    ]);
    expect(JSON.stringify(history)).not.toContain('my secret');
    expect((await service.app.inject({ url: fileUrl })).statusCode).toBe(404);
    const groupView = (await api('GET', `/conversations/${group}`, kofi)).json();
    expect(groupView.participantIds).not.toContain(amina.id);
    expect(groupView.members.filter((m: { role: string }) => m.role === 'admin')).toHaveLength(1); // Kofi took over
    expect((await api('GET', `/conversations/${direct}`, kofi)).json().participantIds).toEqual([kofi.id]);
    const exported = await createClient(commonV1.UserData, service.addresses!.grpcAddress, {
      deadlineMs: 2000,
    }).exportUserData({
      userId: amina.id,
    });
    expect(JSON.parse(exported.json)).toEqual({ conversations: [], messagesSent: [], media: [] });

    // The same event again (a redelivery under another transport id) is recognised and skipped.
    await service.context.bus.publish({ id: `${event.id}-copy`, subject: event.subject, data: encodeEnvelope(event) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { rows } = await service.context.db.query(
      "SELECT count(*)::int AS n FROM processed_events WHERE consumer = 'erase-user-data' AND event_id = $1",
      [event.id],
    );
    expect(rows[0]!.n).toBe(1);
    expect((await api('GET', `/conversations/${direct}/messages`, kofi)).json().items).toHaveLength(2);
  });
});

describe('users.block.created', () => {
  it('forgets the cached "may message" answer at once, so opening a conversation asks again', async () => {
    const moussa = fakeUser('Moussa');
    const local = await startUsers([moussa, kofi, awa]);
    const isolated = await startMessaging(local.address, { env: { RELATIONSHIP_CACHE_SECONDS: '300' } });
    try {
      const open = (participantIds: string[], title?: string) =>
        isolated.app.inject({
          method: 'POST',
          url: '/api/v1/messages/conversations',
          headers: bearer(tokenFor(moussa, 'premium')),
          payload: { participantIds, ...(title ? { title } : {}) },
        });
      expect((await open([kofi.id])).statusCode).toBe(201); // Moussa → Kofi: allowed, and cached
      local.refused.add(`${moussa.id}>${kofi.id}`);
      expect((await open([kofi.id, awa.id], 'a')).statusCode).toBe(201); // still the cached answer
      const envelope = buildEnvelope('user', BlockCreated, {
        blockerId: kofi.id,
        blockedId: moussa.id,
        at: new Date().toISOString(),
      });
      await isolated.context.bus.publish({
        id: envelope.id,
        subject: envelope.subject,
        data: encodeEnvelope(envelope),
      });
      await until(async () => (await open([kofi.id, awa.id], 'b')).statusCode === 403, {
        what: 'the cache to be forgotten',
      });
      const { rows } = await isolated.context.db.query('SELECT blocker_id, blocked_id FROM blocks');
      expect(rows).toEqual([{ blocker_id: kofi.id, blocked_id: moussa.id }]);
    } finally {
      await isolated.close();
      await local.stop();
    }
  });
});
