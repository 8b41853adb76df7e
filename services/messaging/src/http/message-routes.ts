import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { MessagesService } from '../domain/messages-service.js';
import type { Views } from '../domain/views.js';
import type { ActorOf } from './conversation-routes.js';
import {
  ConversationParams,
  EditBody,
  MessageParams,
  MessageView,
  Page,
  PageQuery,
  ReadBody,
  ReadState,
  Receipts,
  SendBody,
} from './schemas.js';

const tags = ['messages'];
const security = bearerSecurity;
const base = '/api/v1/messages/conversations/:conversationId';

export async function messageRoutes(
  app: HttpApp,
  messages: MessagesService,
  views: Views,
  actorOf: ActorOf,
): Promise<void> {
  const actor = (request: FastifyRequest) => actorOf(callerOf(request));

  app.get(
    `${base}/messages`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'History, newest first',
        description: 'Pass `nextCursor` back as `cursor` for older messages. Only messages after you joined.',
        params: ConversationParams,
        querystring: PageQuery,
        response: { 200: Page(MessageView), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const viewer = await actor(request);
      const page = await messages.history(viewer, request.params.conversationId, {
        limit: request.query.limit ?? 50,
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
      });
      return { items: await views.messages(page.items, page.members, viewer.userId), nextCursor: page.nextCursor };
    },
  );

  app.post(
    `${base}/messages`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Send a message (idempotent on clientMessageId)',
        description:
          'Retrying with the same clientMessageId answers the stored message again, with `Idempotent-Replayed: true`. ' +
          'The free tier has a daily quota: 429 with Retry-After and the problem type `messaging-quota-exceeded`.',
        params: ConversationParams,
        body: SendBody,
        response: { 201: MessageView, ...problemResponses(400, 401, 403, 404, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      const { message, replayed } = await messages.send(
        await actor(request),
        request.params.conversationId,
        request.body,
      );
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(await views.message(message, 'sent'));
    },
  );

  app.patch(
    `${base}/messages/:messageId`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Edit your text message, for everyone (within the edit window)',
        params: MessageParams,
        body: EditBody,
        response: { 200: MessageView, ...problemResponses(400, 401, 403, 404, 409, 410) },
      },
    },
    async (request) => {
      const edited = await messages.edit(
        await actor(request),
        request.params.conversationId,
        request.params.messageId,
        request.body.body,
      );
      return views.message(edited, 'sent');
    },
  );

  app.delete(
    `${base}/messages/:messageId`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Delete your message for everyone (within the delete window)',
        params: MessageParams,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await messages.remove(await actor(request), request.params.conversationId, request.params.messageId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/messages/:messageId/receipts`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Who received and who read a message (group read state)',
        params: MessageParams,
        response: { 200: Receipts, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => messages.receipts(await actor(request), request.params.conversationId, request.params.messageId),
  );

  app.post(
    `${base}/read`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Mark the conversation read up to a message (read receipts)',
        params: ConversationParams,
        body: ReadBody,
        response: { 200: ReadState, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => messages.markRead(await actor(request), request.params.conversationId, request.body.upTo),
  );
}
