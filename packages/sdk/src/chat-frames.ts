import type { paths } from './gen/schema.js';

// The messaging service's WebSocket protocol (services/messaging/src/realtime/frames.ts and the frames its hub
// sends). The REST shapes come from the generated schema, so a message on the socket is the same type as one from
// `GET …/messages`.

type MessagesRoute = paths['/api/v1/messages/conversations/{conversationId}/messages'];
/** A chat message as the REST API and the socket both show it. */
export type ChatMessage = MessagesRoute['post']['responses'][201]['content']['application/json'];
/** What a `send` carries besides its conversation: the same body as `POST …/messages`. */
export type OutgoingMessage = Pick<
  MessagesRoute['post']['requestBody']['content']['application/json'],
  'type' | 'body' | 'attachments'
>;

/** Frames a device sends; `ref` comes back on the answer (`ack` or `error`). */
export type ClientFrame = { ref?: string } & (
  | { op: 'resume'; lastMessageIds?: string[] }
  | ({ op: 'send'; conversationId: string; clientMessageId: string } & OutgoingMessage)
  | { op: 'read'; conversationId: string; upTo: string }
  | { op: 'typing'; conversationId: string }
  | { op: 'refresh'; token: string }
  | { op: 'ping' }
);

export type ChatErrorCode =
  | 'bad_frame'
  | 'unknown_op'
  | 'frame_too_large'
  | 'validation'
  | 'rate_limited'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'quota_exceeded'
  | 'unavailable'
  | 'internal';

/** Frames the service sends, by `op`. */
export interface ServerFrames {
  hello: { connectionId: string; userId: string; heartbeatMs: number; maxFrameBytes: number; tokenExpiresAt: string };
  /** The catch-up after `resume` is done: `sent` messages were missed and have just arrived. */
  synced: { sent: number; ignored: string[] };
  message: { message: ChatMessage };
  /** A message was edited or deleted. */
  update: { change: string; message: ChatMessage };
  status: {
    conversationId: string;
    userId: string;
    status: 'delivered' | 'read';
    upToMessageId: string;
    upToSeq: number;
    at: string;
  };
  typing: { conversationId: string; userId: string; expiresInMs: number };
  presence: { userId: string; status: 'online' | 'offline'; at: string };
  notification: {
    notification: {
      id: string;
      type: string;
      title: string;
      body: string;
      data: Record<string, unknown>;
      createdAt: string;
    };
  };
  conversation: { conversationId: string; event: string; by?: string } & Record<string, unknown>;
  token_expiring: { expiresAt: string };
  ack: { ref?: string } & Record<string, unknown>;
  error: {
    ref?: string;
    code: ChatErrorCode;
    message: string;
    status?: number;
    problem?: { type: string; title: string; status: number; detail?: string };
    retryAfterSeconds?: number;
    retryAfterMs?: number;
  };
  pong: { at: string };
}

export type ServerOp = keyof ServerFrames;
export type ServerFrame<O extends ServerOp = ServerOp> = { [K in O]: { op: K } & ServerFrames[K] }[O];

/** Close codes the service uses; 4001: the access token expired. */
export const CLOSE_TOKEN_EXPIRED = 4001;
