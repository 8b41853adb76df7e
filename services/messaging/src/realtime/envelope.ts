// What travels between instances on the realtime bus, one subject per user (`rt.messaging.user.<id>`): a small
// tab-separated header line, then the frame exactly as devices get it, serialized once by the publisher.

export const userSubject = (userId: string) => `rt.messaging.user.${userId}`;

export type Envelope =
  /** A message of a conversation: goes through each device's ordered stream (seq, gap fill, exactly once). */
  | { kind: 'message'; conversationId: string; seq: number; senderId: string; messageId: string; frame: string }
  /** Any other frame (status, typing, presence, notification, update, conversation change): sent as is. */
  | { kind: 'frame'; frame: string }
  /** The user left or was removed from a conversation: their devices stop following it. */
  | { kind: 'removed'; conversationId: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  switch (envelope.kind) {
    case 'message':
      return encoder.encode(
        `m\t${envelope.conversationId}\t${envelope.seq}\t${envelope.senderId}\t${envelope.messageId}\n${envelope.frame}`,
      );
    case 'frame':
      return encoder.encode(`f\n${envelope.frame}`);
    case 'removed':
      return encoder.encode(`r\t${envelope.conversationId}\n`);
  }
}

/** Null for anything malformed (a foreign publisher on our subject): dropped, never thrown into a socket. */
export function decodeEnvelope(data: Uint8Array): Envelope | null {
  const text = decoder.decode(data);
  const newline = text.indexOf('\n');
  if (newline < 0) return null;
  const header = text.slice(0, newline).split('\t');
  const frame = text.slice(newline + 1);
  switch (header[0]) {
    case 'm': {
      const [, conversationId, seq, senderId, messageId] = header;
      const position = Number(seq);
      if (!conversationId || !senderId || !messageId || !Number.isSafeInteger(position) || position < 1) return null;
      return { kind: 'message', conversationId, seq: position, senderId, messageId, frame };
    }
    case 'f':
      return { kind: 'frame', frame };
    case 'r':
      return header[1] ? { kind: 'removed', conversationId: header[1] } : null;
    default:
      return null;
  }
}
