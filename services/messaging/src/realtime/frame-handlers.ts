import { type AccessClaims, problems, type TokenVerifier } from '@diaspora/service-kit';
import type { MemberDirectory } from '../domain/member-directory.js';
import type { MessagesService } from '../domain/messages-service.js';
import type { Actor } from '../domain/model.js';
import type { LiveFanout } from '../domain/ports.js';
import type { Views } from '../domain/views.js';
import type { ClientConnection, FrameDispatcher } from './connection.js';
import type { ClientFrame } from './frames.js';

/** Typing frames of one device for one conversation are relayed at most this often. */
const TYPING_INTERVAL_MS = 2000;
const TYPING_TTL_MS = 6000;

/** What each client op does; the same use cases as the REST routes, so both behave identically. */
export function frameDispatcher(deps: {
  messages: MessagesService;
  directory: MemberDirectory;
  live: LiveFanout;
  views: Views;
  verifier: TokenVerifier;
  actorOf: (claims: AccessClaims) => Promise<Actor>;
}): FrameDispatcher {
  const lastTyping = new WeakMap<ClientConnection, Map<string, number>>();

  return async (connection, op, raw) => {
    switch (op) {
      case 'resume': {
        const frame = raw as ClientFrame<'resume'>;
        if (connection.stream.resumed)
          throw problems.conflict('This connection already resumed (it does so by itself when no resume comes first).');
        const ids = [...(frame.lastMessageIds ?? []), ...(frame.lastMessageId ? [frame.lastMessageId] : [])];
        const outcome = await connection.stream.resume(ids);
        return { op: 'synced', sent: outcome.sent, ignored: outcome.ignored };
      }
      case 'send': {
        const frame = raw as ClientFrame<'send'>;
        const actor = await deps.actorOf(connection.claims);
        const { message, replayed } = await deps.messages.send(actor, frame.conversationId, {
          type: frame.type,
          body: frame.body,
          clientMessageId: frame.clientMessageId,
          ...(frame.attachments ? { attachments: frame.attachments } : {}),
        });
        return { op: 'ack', message: await deps.views.message(message, 'sent'), replayed };
      }
      case 'read': {
        const frame = raw as ClientFrame<'read'>;
        const state = await deps.messages.markRead(
          await deps.actorOf(connection.claims),
          frame.conversationId,
          frame.upTo,
        );
        return { op: 'ack', ...state };
      }
      case 'typing': {
        const frame = raw as ClientFrame<'typing'>;
        const roster = await deps.directory.requireMember(frame.conversationId, connection.userId);
        const seen = lastTyping.get(connection) ?? new Map<string, number>();
        lastTyping.set(connection, seen);
        const now = Date.now();
        if (now - (seen.get(frame.conversationId) ?? 0) >= TYPING_INTERVAL_MS) {
          seen.set(frame.conversationId, now);
          deps.live.frame(
            roster.memberIds.filter((id) => id !== connection.userId),
            {
              op: 'typing',
              conversationId: frame.conversationId,
              userId: connection.userId,
              expiresInMs: TYPING_TTL_MS,
            },
          );
        }
        return frame.ref === undefined ? undefined : { op: 'ack' };
      }
      case 'refresh': {
        const frame = raw as ClientFrame<'refresh'>;
        const claims = await deps.verifier.verify(frame.token);
        if (claims.sub !== connection.userId) throw problems.forbidden('The new token belongs to another member.');
        connection.refreshed(claims);
        return { op: 'ack', tokenExpiresAt: new Date(claims.exp * 1000).toISOString() };
      }
      case 'ping':
        return { op: 'pong', at: new Date().toISOString() };
      default:
        throw problems.badRequest(`unhandled op ${op}`);
    }
  };
}
