import { bearerSecurity, callerOf, type HttpApp, IsoDateTimeSchema, problemResponses } from '@diaspora/service-kit';
import { Type } from 'typebox';
import type { AccountSecurityService } from '../domain/account-security.js';
import type { GdprService } from '../domain/gdpr.js';
import { sessionIdOf } from './request-context.js';
import { Password } from './schemas.js';

const Done = { type: 'null', description: 'Done' } as const;

const Session = Type.Object({
  id: Type.String(),
  current: Type.Boolean({ description: 'the session this request was made with' }),
  startedAt: IsoDateTimeSchema,
  lastUsedAt: IsoDateTimeSchema,
  expiresAt: IsoDateTimeSchema,
  userAgent: Type.Optional(Type.String()),
  ip: Type.Optional(Type.String()),
});

const ExportJob = Type.Object({
  id: Type.String(),
  status: Type.Enum(['pending', 'running', 'ready', 'failed']),
  createdAt: IsoDateTimeSchema,
  completedAt: Type.Optional(IsoDateTimeSchema),
  error: Type.Optional(Type.String()),
  archive: Type.Optional(
    Type.Object(
      {
        format: Type.String(),
        userId: Type.String(),
        requestedAt: IsoDateTimeSchema,
        generatedAt: IsoDateTimeSchema,
        services: Type.Record(Type.String(), Type.Unknown(), {
          description: "Each service's part of the archive, by service name",
        }),
        absent: Type.Array(Type.Object({ service: Type.String(), reason: Type.String() }), {
          description: 'Services that could not contribute (not deployed, not answering)',
        }),
        sources: Type.Record(Type.String(), Type.String(), {
          description: "Every service asked: 'included' when its part is in services, otherwise why it is absent",
        }),
      },
      { additionalProperties: true },
    ),
  ),
});

/** The member's own account: password, sessions, GDPR export and erasure (under /me). */
export async function accountRoutes(app: HttpApp, account: AccountSecurityService, gdpr: GdprService): Promise<void> {
  const tags = ['account'];

  app.put(
    '/api/v1/users/me/password',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Change your password',
        description: 'Checks the current password; signs out every other session (this one stays).',
        body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
        response: { 204: Done, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { currentPassword, newPassword } = request.body;
      await account.changePassword(callerOf(request).sub, sessionIdOf(request), currentPassword, newPassword);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/users/me/sessions',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Your signed-in sessions (devices)',
        response: { 200: Type.Object({ items: Type.Array(Session) }), ...problemResponses(401) },
      },
    },
    async (request) => ({ items: await account.sessions(callerOf(request).sub, sessionIdOf(request)) }),
  );

  app.delete(
    '/api/v1/users/me/sessions/:sessionId',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Sign out one of your sessions',
        description: 'Its refresh token stops working at once; its access token lives out its few minutes.',
        params: Type.Object({ sessionId: Type.String({ pattern: '^ses_[0-9a-z]{26}$' }) }),
        response: { 204: Done, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await account.revokeSession(callerOf(request).sub, request.params.sessionId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/users/me/export',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['gdpr'],
        security: bearerSecurity,
        summary: 'Ask for an archive of your data from every service',
        description: 'Answers 202 with the job; poll GET /me/export/{id}. One export is built at a time per member.',
        response: { 202: ExportJob, ...problemResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const job = await gdpr.requestExport(callerOf(request).sub);
      return reply.code(202).header('location', `/api/v1/users/me/export/${job.id}`).send(job);
    },
  );

  app.get(
    '/api/v1/users/me/export/:exportId',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['gdpr'],
        security: bearerSecurity,
        summary: 'Your export: 202 while it is built, 200 with the archive when ready',
        params: Type.Object({ exportId: Type.String({ pattern: '^exp_[0-9a-z]{26}$' }) }),
        response: { 200: ExportJob, 202: ExportJob, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const job = await gdpr.getExport(callerOf(request).sub, request.params.exportId);
      if (job.status === 'pending' || job.status === 'running')
        return reply.code(202).header('retry-after', '2').send(job);
      return job;
    },
  );

  app.delete(
    '/api/v1/users/me',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['gdpr'],
        security: bearerSecurity,
        summary: 'Delete your account (GDPR erasure)',
        description:
          'Confirm with your password when the account has one. Your profile is anonymized, your graph, sessions ' +
          'and appointments removed, and every other service erases its part (users.user.deleted).',
        // No body at all is fine for accounts without a password (provider sign-in only).
        body: Type.Union([
          Type.Object({ password: Type.Optional(Password) }, { additionalProperties: false }),
          Type.Null(),
        ]),
        response: { 204: Done, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await gdpr.erase(callerOf(request).sub, request.body?.password);
      return reply.code(204).send(null);
    },
  );
}
