import { BlockCreated, BlockDeleted, MessageCreated } from '@diaspora/events';
import { buildEnvelope, decodeEnvelope, encodeEnvelope } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, fakeUser, type MessagingTestService, startMessaging, startUsers, tokenFor } from '../fixtures.js';

const amina = fakeUser('Amina');
const kofi = fakeUser('Kofi');
const awa = fakeUser('Awa');
let users: Awaited<ReturnType<typeof startUsers>>;
let service: MessagingTestService;
let direct: string;

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
});
afterAll(async () => {
  await service?.close();
  await users?.stop();
});

const send = (user: { id: string }, conversationId: string, payload: object, tier: 'free' | 'premium' = 'premium') =>
  service.app.inject({
    method: 'POST',
    url: `/api/v1/messages/conversations/${conversationId}/messages`,
    headers: bearer(tokenFor(user as never, tier)),
    payload,
  });
const get = (user: { id: string }, url: string) =>
  service.app.inject({ url: `/api/v1/messages${url}`, headers: bearer(tokenFor(user as never)) });
let n = 0;
const text = (value: string) => ({ type: 'text', body: { text: value }, clientMessageId: `m-${++n}` });

describe('sending', () => {
  it('stores each message type and answers 201 with status sent and its seq', async () => {
    const bodies = [
      { type: 'text', body: { text: 'Salut 👋🏾' } },
      { type: 'emoji', body: { emoji: '🎉' } },
      { type: 'location', body: { lat: 48.8566, lon: 2.3522, label: 'Paris' } },
      { type: 'contact', body: { card: { name: 'Awa', emails: ['awa@example.com'] } } },
    ];
    const seqs: number[] = [];
    for (const body of bodies) {
      const response = await send(amina, direct, { ...body, clientMessageId: `type-${body.type}` });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ ...body, senderId: amina.id, conversationId: direct, status: 'sent' });
      seqs.push(response.json().seq);
    }
    expect(seqs).toEqual([seqs[0], seqs[0]! + 1, seqs[0]! + 2, seqs[0]! + 3]);
  });

  it('is idempotent on clientMessageId: a retry returns the same message, concurrent ones too', async () => {
    const payload = text('only once');
    const [a, b, c] = await Promise.all([
      send(amina, direct, payload),
      send(amina, direct, payload),
      send(amina, direct, payload),
    ]);
    expect(new Set([a.json().id, b.json().id, c.json().id]).size).toBe(1);
    const retry = await send(amina, direct, { ...payload, body: { text: 'changed?' } });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toMatchObject({ id: a.json().id, body: { text: 'only once' } });
    const history = (await get(amina, `/conversations/${direct}/messages?limit=100`)).json();
    expect(
      history.items.filter((m: { clientMessageId: string }) => m.clientMessageId === payload.clientMessageId),
    ).toHaveLength(1);
  });

  it('refuses a clientMessageId reused for another conversation (409)', async () => {
    const group = (
      await service.app.inject({
        method: 'POST',
        url: '/api/v1/messages/conversations',
        headers: bearer(tokenFor(amina, 'premium')),
        payload: { participantIds: [kofi.id, awa.id], title: 'g' },
      })
    ).json().id;
    const payload = text('first');
    expect((await send(amina, direct, payload)).statusCode).toBe(201);
    const reused = await send(amina, group, payload);
    expect(reused.statusCode).toBe(409);
  });

  it('answers bad input with field errors and writes nothing', async () => {
    const before = (await get(amina, `/conversations/${direct}/messages`)).json().items.length;
    const badLocation = await send(amina, direct, {
      type: 'location',
      body: { lat: 100, lon: 0 },
      clientMessageId: 'x1',
    });
    expect(badLocation.statusCode).toBe(400);
    expect(badLocation.json().errors).toEqual([{ field: 'body.lat', message: expect.any(String) }]);
    const badType = await send(amina, direct, { type: 'video', body: {}, clientMessageId: 'x2' });
    expect(badType.statusCode).toBe(400);
    const badId = await send(amina, direct, { ...text('x'), clientMessageId: 'has spaces' });
    expect(badId.json().errors[0].field).toBe('clientMessageId');
    const tooLong = await send(amina, direct, {
      type: 'text',
      body: { text: 'é'.repeat(4001) },
      clientMessageId: 'x3',
    });
    expect(tooLong.statusCode).toBe(400);
    const foreignReply = await send(amina, direct, {
      type: 'emoji',
      body: { emoji: '👍', replyTo: 'msg_01jzzzzzzzzzzzzzzzzzzzzzzz' },
      clientMessageId: 'x4',
    });
    expect(foreignReply.json().errors[0].field).toBe('body.replyTo');
    expect((await get(amina, `/conversations/${direct}/messages`)).json().items.length).toBe(before);
  });

  it('refuses non-members (403) and unknown conversations (404)', async () => {
    const outsider = await send(awa, direct, text('let me in'));
    expect(outsider.statusCode).toBe(403);
    expect(outsider.json().type).toMatch(/not-a-member$/);
    expect((await send(awa, 'cnv_01jzzzzzzzzzzzzzzzzzzzzzzz', text('hello?'))).statusCode).toBe(404);
    expect((await get(awa, `/conversations/${direct}/messages`)).statusCode).toBe(403);
  });

  it('stops a direct conversation while a block stands (users.block.* events), not for later privacy changes', async () => {
    users.refused.add(`${kofi.id}>${amina.id}`); // privacy only decides who may start a conversation
    expect((await send(kofi, direct, text('still there?'))).statusCode).toBe(201);
    users.refused.clear();
    const event = (definition: typeof BlockCreated | typeof BlockDeleted) => {
      const envelope = buildEnvelope('user', definition, {
        blockerId: amina.id,
        blockedId: kofi.id,
        at: new Date().toISOString(),
      });
      return service.context.bus.publish({
        id: envelope.id,
        subject: envelope.subject,
        data: encodeEnvelope(envelope),
      });
    };
    await event(BlockCreated);
    const blocked = await until(
      async () => {
        const response = await send(kofi, direct, text('hello?'));
        return response.statusCode === 403 ? response : undefined;
      },
      { what: 'the block' },
    );
    expect(blocked!.json().type).toMatch(/messaging-not-allowed$/);
    expect((await send(amina, direct, text('from the blocker too'))).statusCode).toBe(403);
    await event(BlockDeleted);
    await until(async () => (await send(kofi, direct, text('back'))).statusCode === 201, {
      what: 'the block to be lifted',
    });
  });
});

describe('history', () => {
  it('pages newest first through an opaque cursor, only after the member joined', async () => {
    const group = (
      await service.app.inject({
        method: 'POST',
        url: '/api/v1/messages/conversations',
        headers: bearer(tokenFor(amina, 'premium')),
        payload: { participantIds: [kofi.id], title: 'history' },
      })
    ).json().id;
    for (let i = 1; i <= 5; i++) await send(amina, group, text(`h${i}`));
    const first = (await get(kofi, `/conversations/${group}/messages?limit=2`)).json();
    expect(first.items.map((m: { body: { text: string } }) => m.body.text)).toEqual(['h5', 'h4']);
    const second = (await get(kofi, `/conversations/${group}/messages?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((m: { body: { text: string } }) => m.body.text)).toEqual(['h3', 'h2']);
    const third = (await get(kofi, `/conversations/${group}/messages?limit=2&cursor=${second.nextCursor}`)).json();
    expect(third).toMatchObject({ items: [{ body: { text: 'h1' } }], nextCursor: null });

    await service.app.inject({
      method: 'POST',
      url: `/api/v1/messages/conversations/${group}/members`,
      headers: bearer(tokenFor(amina)),
      payload: { userIds: [awa.id] },
    });
    await send(amina, group, text('h6'));
    const newcomer = (await get(awa, `/conversations/${group}/messages`)).json();
    expect(newcomer.items.map((m: { body: { text: string } }) => m.body.text)).toEqual(['h6']);
    expect((await get(kofi, `/conversations/${group}/messages?cursor=bm9wZQ`)).statusCode).toBe(400);
    // A cursor is Kofi's, for this conversation: Awa (a member now) cannot replay it.
    const replayed = await get(awa, `/conversations/${group}/messages?cursor=${first.nextCursor}`);
    expect(replayed.statusCode).toBe(400);
    expect(replayed.json().type).toMatch(/invalid-cursor$/);
  });
});

describe('read receipts and statuses', () => {
  it('moves watermarks forward only; the sender sees read, groups show who read', async () => {
    const group = (
      await service.app.inject({
        method: 'POST',
        url: '/api/v1/messages/conversations',
        headers: bearer(tokenFor(amina, 'premium')),
        payload: { participantIds: [kofi.id, awa.id], title: 'receipts' },
      })
    ).json().id;
    const first = (await send(amina, group, text('r1'))).json();
    const second = (await send(amina, group, text('r2'))).json();
    const read = (user: { id: string }, upTo: string) =>
      service.app.inject({
        method: 'POST',
        url: `/api/v1/messages/conversations/${group}/read`,
        headers: bearer(tokenFor(user as never)),
        payload: { upTo },
      });
    expect((await read(kofi, second.id)).json()).toMatchObject({ lastReadSeq: second.seq, moved: true });
    expect((await read(kofi, first.id)).json()).toMatchObject({ lastReadSeq: second.seq, moved: false });

    const receipts = (await get(amina, `/conversations/${group}/messages/${second.id}/receipts`)).json();
    expect(receipts).toEqual({ messageId: second.id, readBy: [kofi.id], deliveredTo: [], pending: [awa.id] });
    const mine = (await get(amina, `/conversations/${group}/messages`)).json().items;
    expect(mine[0]).toMatchObject({ id: second.id, status: 'sent' }); // Awa has not got it yet
    await read(awa, first.id);
    const after = (await get(amina, `/conversations/${group}/messages`)).json().items;
    expect(after.find((m: { id: string }) => m.id === first.id).status).toBe('read');
    expect(after.find((m: { id: string }) => m.id === second.id).status).toBe('sent');
    const kofisView = (await get(kofi, `/conversations/${group}/messages`)).json().items;
    expect(kofisView[0].status).toBe('read');

    const foreign = await read(kofi, 'msg_01jzzzzzzzzzzzzzzzzzzzzzzz');
    expect(foreign.statusCode).toBe(400);
  });
});

describe('edit and delete for everyone', () => {
  it('lets the sender edit text within the window and delete it; others cannot', async () => {
    const message = (await send(amina, direct, text('typo'))).json();
    const url = `/api/v1/messages/conversations/${direct}/messages/${message.id}`;
    const edit = (user: { id: string }, value: string) =>
      service.app.inject({
        method: 'PATCH',
        url,
        headers: bearer(tokenFor(user as never)),
        payload: { body: { text: value } },
      });
    expect((await edit(kofi, 'hacked')).statusCode).toBe(403);
    const edited = await edit(amina, 'fixed');
    expect(edited.json()).toMatchObject({ body: { text: 'fixed' }, editedAt: expect.any(String) });
    expect((await service.app.inject({ method: 'DELETE', url, headers: bearer(tokenFor(kofi)) })).statusCode).toBe(403);
    expect((await service.app.inject({ method: 'DELETE', url, headers: bearer(tokenFor(amina)) })).statusCode).toBe(
      204,
    );
    expect((await service.app.inject({ method: 'DELETE', url, headers: bearer(tokenFor(amina)) })).statusCode).toBe(
      204,
    );
    const tombstone = (await get(kofi, `/conversations/${direct}/messages`))
      .json()
      .items.find((m: { id: string }) => m.id === message.id);
    expect(tombstone).toMatchObject({ body: {}, deletedAt: expect.any(String) });
    expect((await edit(amina, 'again')).statusCode).toBe(410);
  });

  it('closes the window after the configured time', async () => {
    const strict = await startMessaging(users.address, {
      env: { MESSAGE_EDIT_WINDOW_SECONDS: '0', MESSAGE_DELETE_WINDOW_SECONDS: '0' },
    });
    try {
      const conversation = (
        await strict.app.inject({
          method: 'POST',
          url: '/api/v1/messages/conversations',
          headers: bearer(tokenFor(amina)),
          payload: { participantIds: [kofi.id] },
        })
      ).json().id;
      const message = (
        await strict.app.inject({
          method: 'POST',
          url: `/api/v1/messages/conversations/${conversation}/messages`,
          headers: bearer(tokenFor(amina)),
          payload: text('too late'),
        })
      ).json();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const url = `/api/v1/messages/conversations/${conversation}/messages/${message.id}`;
      const edit = await strict.app.inject({
        method: 'PATCH',
        url,
        headers: bearer(tokenFor(amina)),
        payload: { body: { text: 'x' } },
      });
      expect(edit.statusCode).toBe(403);
      expect(edit.json().type).toMatch(/edit-window-closed$/);
      const remove = await strict.app.inject({ method: 'DELETE', url, headers: bearer(tokenFor(amina)) });
      expect(remove.json().type).toMatch(/delete-window-closed$/);
    } finally {
      await strict.close();
    }
  });
});

describe('offline recipients', () => {
  it('get messaging.message.created through the outbox (nobody online here), muted members excluded', async () => {
    const seen: { data: Record<string, unknown> }[] = [];
    const subscription = await service.context.bus.subscribe({
      subject: MessageCreated.subject,
      durable: `test-${Date.now()}`,
      handler: async (delivery) => {
        seen.push(decodeEnvelope(delivery.data) as never);
      },
    });
    try {
      const group = (
        await service.app.inject({
          method: 'POST',
          url: '/api/v1/messages/conversations',
          headers: bearer(tokenFor(amina, 'premium')),
          payload: { participantIds: [kofi.id, awa.id], title: 'Weekend 🌍' },
        })
      ).json().id;
      await service.app.inject({
        method: 'PUT',
        url: `/api/v1/messages/conversations/${group}/mute`,
        headers: bearer(tokenFor(awa)),
        payload: {},
      });
      const sent = (await send(amina, group, text('Are you coming on Saturday?'))).json();
      const deadline = Date.now() + 5000;
      while (!seen.some((event) => event.data.messageId === sent.id) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen.find((event) => event.data.messageId === sent.id)?.data).toEqual({
        messageId: sent.id,
        conversationId: group,
        conversationType: 'group',
        conversationTitle: 'Weekend 🌍',
        senderId: amina.id,
        offlineRecipientIds: [kofi.id],
        type: 'text',
        preview: 'Are you coming on Saturday?',
        createdAt: sent.createdAt,
      });
    } finally {
      await subscription.stop();
    }
  });
});
