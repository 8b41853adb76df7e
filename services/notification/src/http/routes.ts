import {
  bearerSecurity,
  callerOf,
  type HttpApp,
  PageQuerySchema,
  problemResponses,
  problems,
} from '@diaspora/service-kit';
import type { Static } from 'typebox';
import type { Devices } from '../domain/devices.js';
import { type Inbox, notificationView } from '../domain/inbox.js';
import type { UnsubscribeLinks } from '../domain/unsubscribe.js';
import {
  DeviceBody,
  DeviceView,
  IdParam,
  NotificationPage,
  PreferencesUpdate,
  PreferencesView,
  TokenParam,
  UnreadCount,
  UnsubscribeQuery,
  UnsubscribeResult,
} from './schemas.js';

const tags = ['notifications'];
const BASE = '/api/v1/notifications';

/** Public routes under /api/v1/notifications (kong/kong.yml sends them here). */
export async function notificationRoutes(
  app: HttpApp,
  deps: { inbox: Inbox; devices: Devices; links: UnsubscribeLinks },
): Promise<void> {
  const { inbox, devices, links } = deps;
  const guarded = { onRequest: app.authenticate };

  app.get(
    `${BASE}/`,
    {
      ...guarded,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Your in-app inbox, newest first',
        querystring: PageQuerySchema,
        response: { 200: NotificationPage, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const page = await inbox.list(callerOf(request).sub, request.query.limit ?? 20, request.query.cursor);
      return { items: page.items.map(notificationView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    `${BASE}/unread-count`,
    {
      ...guarded,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Unread in-app notifications',
        response: { 200: UnreadCount },
      },
    },
    async (request) => ({ count: await inbox.unreadCount(callerOf(request).sub) }),
  );

  app.post(
    `${BASE}/:id/read`,
    {
      ...guarded,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Mark one notification read (someone else’s id is 404)',
        params: IdParam,
        response: { 204: { type: 'null' }, ...problemResponses(401, 404) },
      },
    },
    async (request, reply) => {
      await inbox.read(callerOf(request).sub, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${BASE}/read-all`,
    {
      ...guarded,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Mark every notification read',
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      await inbox.readAll(callerOf(request).sub);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${BASE}/preferences`,
    {
      ...guarded,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Channel switches per type, quiet hours and digest',
        response: { 200: PreferencesView },
      },
    },
    async (request) => (await inbox.preferences(callerOf(request).sub)) as Static<typeof PreferencesView>,
  );

  app.put(
    `${BASE}/preferences`,
    {
      ...guarded,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Change preferences (partially)',
        body: PreferencesUpdate,
        response: { 200: PreferencesView, ...problemResponses(400, 401) },
      },
    },
    async (request) =>
      (await inbox.updatePreferences(callerOf(request).sub, request.body)) as Static<typeof PreferencesView>,
  );

  app.post(
    `${BASE}/devices`,
    {
      ...guarded,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Register an FCM device token (idempotent)',
        body: DeviceBody,
        response: { 201: DeviceView, ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      await devices.register(callerOf(request).sub, request.body.token, request.body.platform);
      return reply.code(201).send({ token: request.body.token, platform: request.body.platform });
    },
  );

  app.delete(
    `${BASE}/devices/:token`,
    {
      ...guarded,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Forget a device token',
        params: TokenParam,
        response: { 204: { type: 'null' }, ...problemResponses(401, 404) },
      },
    },
    async (request, reply) => {
      await devices.remove(callerOf(request).sub, request.params.token);
      return reply.code(204).send(null);
    },
  );

  // Mail clients' one-click unsubscribe (RFC 8058) posts a form body; the token is in the URL, the body is unused.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) =>
    done(null, {}),
  );

  // The email links: no sign-in (the signed token is the credential). GET only shows a confirmation form, so a
  // mail scanner prefetching links unsubscribes nobody; POST (the form, or a one-click client) applies it.
  app.get(
    `${BASE}/unsubscribe`,
    { schema: { tags, summary: 'Confirmation page of an email unsubscribe link', querystring: UnsubscribeQuery } },
    async (request, reply) => {
      const target = links.read(request.query.token);
      if (!target) throw problems.badRequest('The unsubscribe link is invalid.', 'invalid-unsubscribe-link');
      const label = target.type.replaceAll('_', ' ');
      return reply
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><html><body style="font-family:sans-serif"><p>Stop emails about <b>${label}</b>?</p>` +
            `<form method="post" action="?token=${encodeURIComponent(request.query.token)}">` +
            '<button type="submit">Unsubscribe</button></form></body></html>',
        );
    },
  );

  app.post(
    `${BASE}/unsubscribe`,
    {
      schema: {
        tags,
        summary: 'Unsubscribe from one type of email (signed link, no sign-in)',
        querystring: UnsubscribeQuery,
        response: { 200: UnsubscribeResult, ...problemResponses(400) },
      },
    },
    async (request) => {
      const target = links.read(request.query.token);
      if (!target) throw problems.badRequest('The unsubscribe link is invalid.', 'invalid-unsubscribe-link');
      await inbox.unsubscribe(target.userId, target.type);
      return { type: target.type, email: false };
    },
  );
}
