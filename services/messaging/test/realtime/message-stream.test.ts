import { createLogger } from '@diaspora/service-kit';
import type { ObjectStorage } from '@diaspora/service-kit/storage';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/domain/model.js';
import type { ConversationStore, Membership, MessageStore } from '../../src/domain/ports.js';
import { Views } from '../../src/domain/views.js';
import { MessageStream } from '../../src/realtime/message-stream.js';

const message = (conversationId: string, seq: number, senderId = 'usr_other'): Message => ({
  conversationId,
  seq,
  id: `msg_${conversationId}_${seq}`,
  senderId,
  clientMessageId: `c${seq}`,
  type: 'text',
  body: { text: `${conversationId}#${seq}` },
  attachments: [],
  createdAt: new Date(1_700_000_000_000 + seq * 1000),
  editedAt: null,
  deletedAt: null,
});

/** A stream over in-memory "stored" messages, recording what it sends and which reads it makes. */
function harness(stored: Message[], memberships: Membership[]) {
  const reads: string[] = [];
  const sent: string[] = [];
  const delivered: string[] = [];
  const messages = {
    async between(conversationId: string, after: number, before: number) {
      reads.push(`between ${conversationId} ${after}..${before}`);
      return stored.filter((m) => m.conversationId === conversationId && m.seq > after && m.seq < before);
    },
    async after(positions: Map<string, number>, limit: number) {
      reads.push(`after ${[...positions].map(([c, s]) => `${c}>${s}`).join(',')}`);
      return stored
        .filter((m) => positions.has(m.conversationId) && m.seq > positions.get(m.conversationId)!)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .slice(0, limit);
    },
    async findById(id: string) {
      return stored.find((m) => m.id === id) ?? null;
    },
  } as unknown as MessageStore;
  const conversations = {
    async memberships() {
      return memberships;
    },
    async member(conversationId: string) {
      return conversationId === 'cnv_new' ? { joinedSeq: 7 } : null;
    },
  } as unknown as ConversationStore;
  const views = new Views({ signedUrl: async () => 'unused' } as unknown as ObjectStorage);
  const stream = new MessageStream(
    'usr_me',
    {
      conversations,
      messages,
      views,
      delivered: (conversationId, seq) => delivered.push(`${conversationId}#${seq}`),
      logger: createLogger({ service: 'test', level: 'silent' }),
    },
    {
      send(frame, onWritten) {
        sent.push((JSON.parse(frame) as { message: { body: { text: string } } }).message.body.text);
        onWritten?.();
        return true;
      },
      drained: async () => undefined,
    },
    () => {
      throw new Error('overflow');
    },
  );
  const live = (m: Message) => ({
    conversationId: m.conversationId,
    seq: m.seq,
    senderId: m.senderId,
    messageId: m.id,
    frame: JSON.stringify({ op: 'message', message: { body: m.body } }),
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  return { stream, sent, reads, delivered, live, settle };
}

describe('MessageStream', () => {
  it('catches up from the named message, holds live ones meanwhile, and sends each exactly once in order', async () => {
    const stored = [1, 2, 3, 4, 5].map((seq) => message('cnv_a', seq));
    const h = harness(stored, [{ conversationId: 'cnv_a', lastSeq: 4, joinedSeq: 0, lastDeliveredSeq: 4 }]);
    h.stream.receive(h.live(stored[3]!)); // #4 arrives live before the device resumed
    const outcome = await h.stream.resume(['msg_cnv_a_1']);
    h.stream.receive(h.live(stored[4]!));
    h.stream.receive(h.live(stored[4]!)); // a duplicate publish
    await h.settle();
    expect(outcome).toEqual({ sent: 4, ignored: [] }); // #5 was already stored: read, then its live copy dropped
    expect(h.sent).toEqual(['cnv_a#2', 'cnv_a#3', 'cnv_a#4', 'cnv_a#5']);
    expect(h.delivered).toEqual(['cnv_a#2', 'cnv_a#3', 'cnv_a#4', 'cnv_a#5']);
  });

  it('fills a gap from the store when a live message overtakes an earlier one', async () => {
    const stored = [1, 2, 3].map((seq) => message('cnv_a', seq));
    const h = harness(stored, [{ conversationId: 'cnv_a', lastSeq: 0, joinedSeq: 0, lastDeliveredSeq: 0 }]);
    await h.stream.resume([]);
    h.stream.receive(h.live(stored[2]!)); // #3 first (published by another instance, faster)
    h.stream.receive(h.live(stored[0]!));
    h.stream.receive(h.live(stored[1]!));
    await h.settle();
    expect(h.sent).toEqual(['cnv_a#1', 'cnv_a#2', 'cnv_a#3']);
    expect(h.reads).toContain('between cnv_a 0..3');
  });

  it('follows a conversation joined after resume from the join point, and forgets one left', async () => {
    const stored = [message('cnv_new', 8), message('cnv_new', 9), message('cnv_a', 1)];
    const h = harness(stored, [{ conversationId: 'cnv_a', lastSeq: 0, joinedSeq: 0, lastDeliveredSeq: 0 }]);
    await h.stream.resume([]);
    h.stream.receive(h.live(stored[1]!));
    await h.settle();
    expect(h.sent).toEqual(['cnv_new#8', 'cnv_new#9']);
    h.stream.forget('cnv_new');
    h.stream.receive(h.live(message('cnv_unknown', 1)));
    await h.settle();
    expect(h.sent).toHaveLength(2); // not a member: nothing
  });

  it('does not mark own messages delivered, and ignores ids of conversations the member is not in', async () => {
    const stored = [message('cnv_a', 1, 'usr_me'), message('cnv_b', 1)];
    const h = harness(stored, [{ conversationId: 'cnv_a', lastSeq: 1, joinedSeq: 0, lastDeliveredSeq: 0 }]);
    expect(await h.stream.resume(['msg_cnv_b_1', 'msg_nope'])).toEqual({
      sent: 1,
      ignored: ['msg_cnv_b_1', 'msg_nope'],
    });
    expect(h.sent).toEqual(['cnv_a#1']);
    expect(h.delivered).toEqual([]);
  });
});
