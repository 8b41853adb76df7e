import { describe, expect, it } from 'vitest';
import { directKey, type Member, type Message, othersProgress, statusFor } from '../../src/domain/model.js';
import { inTimeOrder } from '../../src/store/messages-repository.js';

const member = (userId: string, lastDeliveredSeq: number, lastReadSeq: number): Member => ({
  conversationId: 'cnv_1',
  userId,
  role: 'member',
  joinedAt: new Date(),
  joinedSeq: 0,
  lastDeliveredSeq,
  lastReadSeq,
  mutedUntil: null,
});

describe('statuses from watermarks', () => {
  it('gives the sender sent → delivered → read as the slowest other member progresses', () => {
    const message = { senderId: 'amina', seq: 5 };
    const amina = member('amina', 5, 5);
    const group = (kofi: [number, number], awa: [number, number]) =>
      othersProgress([amina, member('kofi', ...kofi), member('awa', ...awa)], 'amina');
    expect(statusFor(message, amina, group([4, 4], [9, 9]))).toBe('sent');
    expect(statusFor(message, amina, group([5, 4], [9, 9]))).toBe('delivered');
    expect(statusFor(message, amina, group([5, 5], [6, 4]))).toBe('delivered');
    expect(statusFor(message, amina, group([5, 5], [7, 6]))).toBe('read');
    expect(statusFor(message, amina, null)).toBe('sent'); // alone in the group
  });

  it('shows recipients their own state: delivered, or read once they read it', () => {
    const message = { senderId: 'amina', seq: 5 };
    expect(statusFor(message, member('kofi', 5, 4), null)).toBe('delivered');
    expect(statusFor(message, member('kofi', 9, 5), null)).toBe('read');
  });

  it('keys a direct conversation by the pair, whoever opens it', () => {
    expect(directKey('usr_b', 'usr_a')).toBe(directKey('usr_a', 'usr_b'));
  });
});

describe('inTimeOrder', () => {
  const message = (conversationId: string, seq: number, at: number): Message => ({
    conversationId,
    seq,
    id: `${conversationId}-${seq}`,
    senderId: 'x',
    clientMessageId: null,
    type: 'text',
    body: { text: '' },
    attachments: [],
    createdAt: new Date(at),
    editedAt: null,
    deletedAt: null,
  });

  it('interleaves conversations by time but never reorders a conversation, even with clock skew', () => {
    const ordered = inTimeOrder([
      message('b', 2, 30),
      message('a', 1, 10),
      message('a', 2, 5), // stored later with an earlier clock: must still follow a-1
      message('b', 1, 20),
      message('a', 3, 40),
    ]);
    expect(ordered.map((m) => m.id)).toEqual(['a-1', 'a-2', 'b-1', 'b-2', 'a-3']);
  });
});
