import { type AccessClaims, bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ConversationsService } from '../domain/conversations-service.js';
import type { Actor } from '../domain/model.js';
import type { Views } from '../domain/views.js';
import {
  AddMembersBody,
  ConversationDetailView,
  ConversationParams,
  ConversationView,
  MemberParams,
  MuteBody,
  OpenConversationBody,
  Page,
  PageQuery,
  RenameBody,
} from './schemas.js';

export type ActorOf = (claims: AccessClaims) => Promise<Actor>;

const tags = ['conversations'];
const security = bearerSecurity;
const base = '/api/v1/messages/conversations';

export async function conversationRoutes(
  app: HttpApp,
  conversations: ConversationsService,
  views: Views,
  actorOf: ActorOf,
): Promise<void> {
  const actor = (request: FastifyRequest) => actorOf(callerOf(request));

  app.post(
    base,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Open a conversation',
        description:
          'One participant and no title: your direct conversation with them (200 when it already exists). ' +
          'Otherwise a group you administer. Their privacy settings and blocks must allow it; the free tier has a ' +
          'daily quota of new conversations.',
        body: OpenConversationBody,
        response: {
          200: ConversationView,
          201: ConversationView,
          ...problemResponses(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { summary, created } = await conversations.open(await actor(request), request.body);
      return reply.code(created ? 201 : 200).send(await views.conversation(summary));
    },
  );

  app.get(
    base,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Your conversations, most recent activity first',
        querystring: PageQuery,
        response: { 200: Page(ConversationView), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const page = await conversations.list(await actor(request), {
        limit: request.query.limit ?? 20,
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
      });
      return {
        items: await Promise.all(page.items.map((item) => views.conversation(item))),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    `${base}/:conversationId`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'A conversation with its members and how far each has received and read',
        params: ConversationParams,
        response: { 200: ConversationDetailView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) =>
      views.conversationDetail(await conversations.get(await actor(request), request.params.conversationId)),
  );

  app.patch(
    `${base}/:conversationId`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Rename a group (admins)',
        params: ConversationParams,
        body: RenameBody,
        response: { 200: ConversationDetailView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      views.conversationDetail(
        await conversations.rename(await actor(request), request.params.conversationId, request.body.title),
      ),
  );

  app.post(
    `${base}/:conversationId/members`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Add members to a group (admins); they see messages from now on',
        params: ConversationParams,
        body: AddMembersBody,
        response: { 200: ConversationDetailView, ...problemResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) =>
      views.conversationDetail(
        await conversations.addMembers(await actor(request), request.params.conversationId, request.body.userIds),
      ),
  );

  app.delete(
    `${base}/:conversationId/members/:userId`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Remove a member from a group (admins), or leave it (your own id)',
        params: MemberParams,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await conversations.removeMember(await actor(request), request.params.conversationId, request.params.userId);
      return reply.code(204).send(null);
    },
  );

  for (const [method, admin] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    app[method](
      `${base}/:conversationId/admins/:userId`,
      {
        onRequest: app.authenticate,
        schema: {
          tags,
          security,
          summary: admin ? 'Make a member an admin of the group' : "Take back a member's admin role",
          params: MemberParams,
          response: { 200: ConversationDetailView, ...problemResponses(401, 403, 404, 409) },
        },
      },
      async (request) =>
        views.conversationDetail(
          await conversations.setAdmin(
            await actor(request),
            request.params.conversationId,
            request.params.userId,
            admin,
          ),
        ),
    );
  }

  app.put(
    `${base}/:conversationId/mute`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Mute a conversation (no notifications), until a time or until unmuted',
        params: ConversationParams,
        body: MuteBody,
        response: { 200: ConversationDetailView, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const until = request.body.until ? new Date(request.body.until) : new Date('9999-12-31T00:00:00Z');
      return views.conversationDetail(
        await conversations.mute(await actor(request), request.params.conversationId, until),
      );
    },
  );

  app.delete(
    `${base}/:conversationId/mute`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Unmute a conversation',
        params: ConversationParams,
        response: { 200: ConversationDetailView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) =>
      views.conversationDetail(await conversations.mute(await actor(request), request.params.conversationId, null)),
  );
}
