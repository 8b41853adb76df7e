import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatClient, type SocketLike } from '../src/index.js';

/** A socket the test drives: what the client sent, and frames or a close pushed from the "server". */
class FakeSocket implements SocketLike {
  static opened: FakeSocket[] = [];
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  constructor(readonly url: string) {
    FakeSocket.opened.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {}
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  push(frame: Record<string, unknown>) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

const message = (id: string, seq: number) => ({
  op: 'message',
  message: { id, seq, conversationId: 'cnv_1', senderId: 'usr_2', type: 'text', body: { text: id } },
});
const greet = (socket: FakeSocket) => {
  socket.open();
  socket.push({ op: 'hello', connectionId: 'wsc_1', userId: 'usr_1', heartbeatMs: 30000 });
  socket.push({ op: 'synced', sent: 0, ignored: [] });
};

afterEach(() => {
  vi.useRealTimers();
  FakeSocket.opened = [];
});

describe('the chat client (against a scripted socket)', () => {
  it('resumes from the last message seen, drops repeats, and renews the token after a 4001 close', async () => {
    vi.useFakeTimers();
    let token = 'at-1';
    const refreshToken = vi.fn(async () => {
      token = 'at-2';
      return token;
    });
    const chat = new ChatClient({
      baseUrl: 'https://api.example.org',
      token: () => token,
      refreshToken,
      WebSocket: FakeSocket,
      backoff: { initialMs: 100, maxMs: 1000 },
    });
    const seen: string[] = [];
    chat.on('message', (frame) => seen.push(frame.message.id));
    const connected = chat.connect();
    const first = FakeSocket.opened[0]!;
    expect(first.url).toBe('wss://api.example.org/api/v1/messages/ws?token=at-1');
    greet(first);
    await connected;
    expect(first.sent[0]).toEqual({ op: 'resume', lastMessageIds: [] });
    first.push(message('msg_a', 1));
    first.push(message('msg_b', 2));
    first.push(message('msg_a', 1)); // a repeat is not shown twice
    expect(seen).toEqual(['msg_a', 'msg_b']);

    // A send while the token expires: the socket closes 4001, a new token is fetched, the send goes again.
    const sending = chat.send('cnv_1', { type: 'text', body: { text: 'hi' } }, 'c-1');
    first.drop(4001);
    await vi.advanceTimersByTimeAsync(100);
    expect(refreshToken).toHaveBeenCalledTimes(1);
    const second = FakeSocket.opened[1]!;
    expect(second.url).toContain('token=at-2');
    greet(second);
    expect(second.sent[0]).toEqual({ op: 'resume', lastMessageIds: ['msg_b'] });
    const resent = second.sent.find((frame) => frame.op === 'send')!;
    expect(resent).toMatchObject({ clientMessageId: 'c-1', conversationId: 'cnv_1' });
    second.push({ op: 'ack', ref: resent.ref, message: message('msg_c', 3).message, replayed: true });
    await expect(sending).resolves.toMatchObject({ replayed: true });
    chat.close();
  });

  it('waits longer after each failed attempt, up to the ceiling, and starts over once connected', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const chat = new ChatClient({
      baseUrl: 'http://localhost:8000',
      token: () => 'at',
      WebSocket: FakeSocket,
      backoff: { initialMs: 100, maxMs: 400 },
    });
    void chat.connect().catch(() => undefined);
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = FakeSocket.opened.length;
      FakeSocket.opened.at(-1)!.drop();
      let waited = 0;
      while (FakeSocket.opened.length === before) {
        await vi.advanceTimersByTimeAsync(10);
        waited += 10;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([100, 200, 400, 400]);
    greet(FakeSocket.opened.at(-1)!);
    const before = FakeSocket.opened.length;
    FakeSocket.opened.at(-1)!.drop();
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeSocket.opened.length).toBe(before + 1);
    chat.close();
    vi.restoreAllMocks();
  });
});
