import {
  bearerSecurity,
  callerOf,
  type HttpApp,
  IsoDateTimeSchema,
  PageQuerySchema,
  problemResponses,
} from '@diaspora/service-kit';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { SocialService } from '../domain/social.js';
import type { SocialQueries } from '../domain/social-queries.js';
import { Page, PublicUser, UserIdParam } from './schemas.js';

const Done = { type: 'null', description: 'Done (also when it already was)' } as const;
const RequestIdParam = Type.Object({ requestId: Type.String({ pattern: '^cnr_[0-9a-z]{26}$' }) });
const ConnectionRequest = Type.Object({
  id: Type.String(),
  fromUserId: Type.String(),
  toUserId: Type.String(),
  status: Type.Enum(['pending', 'accepted', 'declined', 'canceled']),
  createdAt: IsoDateTimeSchema,
  decidedAt: Type.Optional(IsoDateTimeSchema),
});
const MemberPage = Page(PublicUser);

/** Follows, blocks and connection requests. Every change publishes its users.* event. */
export async function socialRoutes(app: HttpApp, social: SocialService, queries: SocialQueries): Promise<void> {
  const me = (request: FastifyRequest) => callerOf(request).sub;

  for (const [verb, method] of [
    ['follow', 'post'],
    ['unfollow', 'delete'],
  ] as const) {
    app[method](
      '/api/v1/users/:userId/follow',
      {
        onRequest: app.authenticate,
        schema: {
          tags: ['social'],
          security: bearerSecurity,
          summary: verb === 'follow' ? 'Follow a member (idempotent)' : 'Stop following a member (idempotent)',
          params: UserIdParam,
          response: { 204: Done, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        await social[verb](me(request), request.params.userId);
        return reply.code(204).send(null);
      },
    );
  }

  for (const [verb, method] of [
    ['block', 'post'],
    ['unblock', 'delete'],
  ] as const) {
    app[method](
      '/api/v1/users/:userId/block',
      {
        onRequest: app.authenticate,
        schema: {
          tags: ['social'],
          security: bearerSecurity,
          summary:
            verb === 'block'
              ? 'Block a member: follows both ways, the connection and pending requests end (idempotent)'
              : 'Lift a block (idempotent)',
          params: UserIdParam,
          response: { 204: Done, ...problemResponses(400, 401, 404) },
        },
      },
      async (request, reply) => {
        await social[verb](me(request), request.params.userId);
        return reply.code(204).send(null);
      },
    );
  }

  for (const kind of ['followers', 'following'] as const) {
    app.get(
      `/api/v1/users/:userId/${kind}`,
      {
        onRequest: app.authenticate,
        schema: {
          tags: ['social'],
          security: bearerSecurity,
          summary: kind === 'followers' ? "A member's followers" : 'Whom a member follows',
          params: UserIdParam,
          querystring: PageQuerySchema,
          response: { 200: MemberPage, ...problemResponses(400, 401, 404) },
        },
      },
      async (request) =>
        queries.members(me(request), kind, request.params.userId, request.query.limit ?? 20, request.query.cursor),
    );
  }

  app.get(
    '/api/v1/users/me/blocks',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['social'],
        security: bearerSecurity,
        summary: 'Members you block',
        querystring: PageQuerySchema,
        response: { 200: MemberPage, ...problemResponses(400, 401) },
      },
    },
    async (request) => queries.blocked(me(request), request.query.limit ?? 20, request.query.cursor),
  );

  app.post(
    '/api/v1/users/connections',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['connections'],
        security: bearerSecurity,
        summary: 'Ask a member to connect',
        description:
          '201 with the new request; 200 with the pending one when you asked already, or with the accepted one ' +
          'when they had asked you. 409 when already connected; 403 when one of you blocks the other.',
        body: Type.Object({ userId: UserIdParam.properties.userId }, { additionalProperties: false }),
        response: { 200: ConnectionRequest, 201: ConnectionRequest, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { created, request: connection } = await social.requestConnection(me(request), request.body.userId);
      return reply.code(created ? 201 : 200).send(connection);
    },
  );

  for (const decision of ['accept', 'decline', 'cancel'] as const) {
    app.post(
      `/api/v1/users/connections/:requestId/${decision}`,
      {
        onRequest: app.authenticate,
        schema: {
          tags: ['connections'],
          security: bearerSecurity,
          summary:
            decision === 'cancel'
              ? 'Withdraw a connection request you sent'
              : `${decision === 'accept' ? 'Accept' : 'Decline'} a connection request you received`,
          params: RequestIdParam,
          response: { 200: ConnectionRequest, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => social.decide(me(request), request.params.requestId, decision),
    );
  }

  app.get(
    '/api/v1/users/connections',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['connections'],
        security: bearerSecurity,
        summary: 'Your connections',
        querystring: PageQuerySchema,
        response: { 200: MemberPage, ...problemResponses(400, 401) },
      },
    },
    async (request) =>
      queries.members(me(request), 'connections', me(request), request.query.limit ?? 20, request.query.cursor),
  );

  app.get(
    '/api/v1/users/connections/requests',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['connections'],
        security: bearerSecurity,
        summary: 'Pending connection requests you received (incoming) or sent (outgoing)',
        querystring: Type.Object({
          ...PageQuerySchema.properties,
          direction: Type.Enum(['incoming', 'outgoing'], { default: 'incoming' }),
        }),
        response: {
          200: Page(Type.Object({ ...ConnectionRequest.properties, user: PublicUser })),
          ...problemResponses(400, 401),
        },
      },
    },
    async (request) =>
      queries.requests(
        me(request),
        request.query.direction ?? 'incoming',
        request.query.limit ?? 20,
        request.query.cursor,
      ),
  );

  app.delete(
    '/api/v1/users/connections/:userId',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['connections'],
        security: bearerSecurity,
        summary: 'End a connection (idempotent)',
        params: UserIdParam,
        response: { 204: Done, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await social.removeConnection(me(request), request.params.userId);
      return reply.code(204).send(null);
    },
  );
}
