import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import { Type } from 'typebox';
import type { AdminUseCases } from '../domain/use-cases.js';
import {
  AppealBody,
  AuditPage,
  AuditQuery,
  CaseIdParam,
  CasePage,
  CaseView,
  DecisionList,
  ReportQuery,
  ResolveBody,
  SettingsPatch,
  SettingsView,
} from './schemas.js';

/** The moderation queue, authors' appeals, the audit log and the platform settings. */
export async function reportRoutes(app: HttpApp, { admins, queue, audit, settings }: AdminUseCases) {
  const admin = (request: Parameters<typeof callerOf>[0]) => admins.resolve(callerOf(request).sub);

  app.get(
    '/api/v1/admin/reports',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['moderation'],
        security: bearerSecurity,
        summary: 'The moderation queue: reported or flagged posts, comments, messages and members, ranked',
        description: 'Ranked by priority (distinct reporters, filter score, held items, appeals) then age.',
        querystring: ReportQuery,
        response: { 200: CasePage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => queue.list(await admin(request), { ...request.query, limit: request.query.limit ?? 20 }),
  );

  app.get(
    '/api/v1/admin/reports/:id',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['moderation'],
        security: bearerSecurity,
        summary: 'One case with what was reported',
        params: CaseIdParam,
        response: { 200: CaseView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => queue.get(await admin(request), request.params.id),
  );

  app.post(
    '/api/v1/admin/reports/:id/resolve',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['moderation'],
        security: bearerSecurity,
        summary: 'Decide a case: dismiss, takedown, restore, warn or suspend (published and audited)',
        params: CaseIdParam,
        body: ResolveBody,
        response: { 200: CaseView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => queue.resolve(await admin(request), request.params.id, request.body),
  );

  // The two routes for the members decisions concern (authors), not for admins.
  app.get(
    '/api/v1/admin/decisions/mine',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['appeals'],
        security: bearerSecurity,
        summary: 'Moderation decisions about you, and whether each may still be appealed',
        response: { 200: DecisionList, ...problemResponses(401) },
      },
    },
    async (request) => queue.decisionsAbout(callerOf(request).sub),
  );

  app.post(
    '/api/v1/admin/decisions/:id/appeal',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['appeals'],
        security: bearerSecurity,
        summary: 'Appeal a decision about you (once): the case goes back to the moderation queue',
        params: CaseIdParam,
        body: AppealBody,
        response: {
          201: Type.Object({
            id: Type.String(),
            status: Type.String(),
            appeal: Type.Object({ statement: Type.String(), at: Type.String() }),
          }),
          ...problemResponses(400, 401, 404, 409),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await queue.appeal(callerOf(request).sub, request.params.id, request.body.statement)),
  );

  app.get(
    '/api/v1/admin/audit',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['audit'],
        security: bearerSecurity,
        summary: 'The audit log of admin decisions and role changes, newest first (your community for scoped admins)',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => audit.list(await admin(request), { ...request.query, limit: request.query.limit ?? 20 }),
  );

  app.get(
    '/api/v1/admin/settings',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['settings'],
        security: bearerSecurity,
        summary: 'Platform settings (any admin reads them)',
        response: { 200: SettingsView, ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      await admin(request);
      return settings.get();
    },
  );

  app.put(
    '/api/v1/admin/settings',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['settings'],
        security: bearerSecurity,
        summary: 'Change platform settings (super users; partial: only the names given change); audited, published',
        body: SettingsPatch,
        response: { 200: SettingsView, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request) => settings.update(await admin(request), request.body),
  );
}
