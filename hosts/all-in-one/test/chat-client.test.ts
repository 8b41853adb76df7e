import { type ChatClient, type ChatMessage, DiasporaClient, type SocketLike } from '@diaspora/sdk';
import { NodeWebSocket } from '@diaspora/sdk/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testPlatform } from './fixtures.js';

const platform = testPlatform('chat', { services: ['user', 'messaging'] });
beforeAll(() => platform.boot(), 120_000);
afterAll(() => platform.dispose(), 60_000);

/** Node 20's socket, with each opened socket kept so a test can cut the connection as a network would. */
function recordingSocket() {
  const opened: SocketLike[] = [];
  const Recording = new Proxy(NodeWebSocket, {
    construct(target, args: [string]) {
      const socket = Reflect.construct(target, args) as SocketLike;
      opened.push(socket);
      return socket;
    },
  });
  return { Recording, opened, cut: () => (opened.at(-1) as unknown as { terminate(): void }).terminate() };
}

const member = (name: string, city: string) => ({
  email: `${name.toLowerCase()}@chat.example.org`,
  password: 'a long passphrase for chat',
  displayName: name,
  originCountry: 'SN' as const,
  residenceCountry: 'FR' as const,
  residenceCity: city,
  languages: ['fr'],
});

describe('the SDK chat client against the messaging service, through the gateway', () => {
  let amina: DiasporaClient;
  let kofi: DiasporaClient;
  let conversationId: string;
  const chats: ChatClient[] = [];
  afterAll(() => {
    for (const chat of chats) chat.close();
  });

  beforeAll(async () => {
    amina = new DiasporaClient({ baseUrl: platform.gatewayUrl });
    kofi = new DiasporaClient({ baseUrl: platform.gatewayUrl });
    await amina.register(member('Amina', 'Paris'));
    const kofiUser = await kofi.register(member('Kofi', 'Lyon'));
    const { data } = await amina.api.POST('/api/v1/messages/conversations', {
      body: { participantIds: [kofiUser.id] },
    });
    conversationId = data!.id;
  });

  it('delivers live, then after a cut connection reconnects and catches up on exactly what was missed', async () => {
    const kofiSocket = recordingSocket();
    const kofiChat = kofi.chat({ WebSocket: kofiSocket.Recording, backoff: { initialMs: 100, maxMs: 400 } });
    const aminaChat = amina.chat({ WebSocket: NodeWebSocket });
    chats.push(kofiChat, aminaChat);
    const received: ChatMessage[] = [];
    kofiChat.on('message', (frame) => received.push(frame.message));
    await Promise.all([kofiChat.connect(), aminaChat.connect()]);

    const first = await aminaChat.send(conversationId, { type: 'text', body: { text: 'Salut Kofi' } });
    expect(first.message).toMatchObject({ conversationId, type: 'text', body: { text: 'Salut Kofi' } });
    await vi.waitFor(() => expect(received).toHaveLength(1));

    kofiSocket.cut();
    await vi.waitFor(() => expect(kofiChat.connected).toBe(false));
    for (const text of ['un', 'deux', 'trois']) await aminaChat.send(conversationId, { type: 'text', body: { text } });
    // Sent while cut off: held, then sent once the socket is back.
    const fromKofi = kofiChat.send(conversationId, { type: 'text', body: { text: 'me revoilà' } });

    await kofiChat.untilSynced();
    expect(kofiSocket.opened.length).toBe(2);
    expect((await fromKofi).message.body).toEqual({ text: 'me revoilà' });
    await vi.waitFor(() => expect(received).toHaveLength(5), { timeout: 10_000 });
    expect(received.map((m) => (m.body as { text: string }).text)).toEqual([
      'Salut Kofi',
      'un',
      'deux',
      'trois',
      'me revoilà',
    ]);
    expect(new Set(received.map((m) => m.id)).size).toBe(5);
  }, 60_000);

  it('answers a refused frame with a typed error; a read reaches the other member as a status frame', async () => {
    const chat = kofi.chat({ WebSocket: NodeWebSocket });
    const aminaChat = amina.chat({ WebSocket: NodeWebSocket });
    chats.push(chat, aminaChat);
    const statuses: { status: string; upToMessageId: string }[] = [];
    aminaChat.on('status', (frame) => statuses.push(frame));
    await Promise.all([chat.connect(), aminaChat.connect()]);
    await expect(
      chat.send('cnv_00000000000000000000000000', { type: 'text', body: { text: 'nowhere' } }),
    ).rejects.toMatchObject({ frame: { code: 'not_found' } });
    const { message } = await aminaChat.send(conversationId, { type: 'text', body: { text: 'Tu as lu ?' } });
    const { data } = await kofi.api.GET('/api/v1/messages/conversations/{conversationId}/messages', {
      params: { path: { conversationId } },
    });
    expect(data!.items[0]!.id).toBe(message.id); // the socket's message is the REST API's
    await chat.read(conversationId, message.id);
    await vi.waitFor(() =>
      expect(statuses).toContainEqual(expect.objectContaining({ status: 'read', upToMessageId: message.id })),
    );
  }, 60_000);
});
