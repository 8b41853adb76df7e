import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import type { AdminUseCases } from '../domain/use-cases.js';
import {
  AdminMe,
  MemberDetail,
  MemberPage,
  MemberQuery,
  MemberView,
  ReinstateBody,
  SuspendBody,
  UserIdParam,
} from './schemas.js';

export async function memberRoutes(app: HttpApp, { admins, members }: AdminUseCases) {
  const admin = (request: Parameters<typeof callerOf>[0]) => admins.resolve(callerOf(request).sub);

  app.get(
    '/api/v1/admin/me',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['admin'],
        security: bearerSecurity,
        summary: 'Your admin rights as the user service holds them now (super, ambassador of, consul of)',
        response: { 200: AdminMe, ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      const { id, roles, scope } = await admin(request);
      return { id, roles, scope };
    },
  );

  app.get(
    '/api/v1/admin/users',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['members'],
        security: bearerSecurity,
        summary: 'Search members by name (email: super users only), community, role and status, within your scope',
        querystring: MemberQuery,
        response: { 200: MemberPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => members.search(await admin(request), { ...request.query, limit: request.query.limit ?? 20 }),
  );

  app.get(
    '/api/v1/admin/users/:id',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['members'],
        security: bearerSecurity,
        summary: 'A member: profile, current roles, suspension, organizer scorecard, decisions and cases about them',
        params: UserIdParam,
        response: { 200: MemberDetail, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => members.detail(await admin(request), request.params.id),
  );

  app.post(
    '/api/v1/admin/users/:id/suspend',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['members'],
        security: bearerSecurity,
        summary: 'Suspend a member (reason, optional end): login and refresh answer 403 account-suspended',
        description:
          'Never yourself or a super user (409); ambassadors and consuls only by a super user (403). Audited.',
        params: UserIdParam,
        body: SuspendBody,
        response: { 200: MemberView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => members.suspend(await admin(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/admin/users/:id/reinstate',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['members'],
        security: bearerSecurity,
        summary: 'Lift a suspension (audited)',
        params: UserIdParam,
        body: ReinstateBody,
        response: { 200: MemberView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => members.reinstate(await admin(request), request.params.id, request.body?.reason),
  );
}
