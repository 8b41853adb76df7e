import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import { Type } from 'typebox';
import type { CalendarSync } from '../domain/calendars.js';

const tags = ['calendars'];
const BASE = '/api/v1/integrations/calendar';

const ConnectionView = Type.Object({
  provider: Type.Enum(['google', 'apple']),
  status: Type.Enum(['active', 'broken']),
  account: Type.String(),
  connectedAt: Type.String({ format: 'date-time' }),
  brokenReason: Type.Optional(Type.String()),
});
const AppleBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 254, description: 'Apple ID (or CalDAV user name)' }),
    appPassword: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'an app-specific password; stored encrypted',
    }),
    serverUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048, description: 'default iCloud' })),
  },
  { additionalProperties: false },
);

export async function calendarRoutes(app: HttpApp, deps: { calendars: CalendarSync }) {
  const { calendars } = deps;

  app.get(
    BASE,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Your calendar connections',
        response: { 200: Type.Object({ connections: Type.Array(ConnectionView) }), ...problemResponses(401) },
      },
    },
    async (request) => calendars.connections(callerOf(request).sub),
  );

  app.put(
    `${BASE}/apple`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Connect Apple Calendar (CalDAV) with an app-specific password',
        description:
          'Checks the password against the server, finds or makes a "Diaspora" calendar, then pushes your upcoming ' +
          'events. 400 `calendar-auth-failed` when the server refuses the password, `calendar-unreachable` when it ' +
          'cannot be reached or does not speak CalDAV.',
        body: AppleBody,
        response: { 200: ConnectionView, ...problemResponses(400, 401, 503) },
      },
    },
    async (request) => calendars.connectApple(callerOf(request).sub, request.body),
  );

  app.delete(
    `${BASE}/apple`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Disconnect Apple Calendar (the stored password is deleted)',
        response: { 204: Type.Null({ description: 'Disconnected' }), ...problemResponses(401, 404) },
      },
    },
    async (request, reply) => {
      await calendars.disconnect(callerOf(request).sub, 'apple');
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${BASE}/google/connect`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: "Connect Google Calendar: 302 to Google's consent screen (offline access, PKCE, state)",
        response: {
          302: Type.Null({ description: 'To Google; it comes back to the callback' }),
          ...problemResponses(401),
        },
      },
    },
    async (request, reply) => {
      const { url } = await calendars.startGoogle(callerOf(request).sub);
      return reply.redirect(url, 302);
    },
  );

  app.get(
    `${BASE}/google/callback`,
    {
      schema: {
        tags,
        summary: 'Where Google sends the member back (public: the single-use state identifies them)',
        querystring: Type.Object({
          code: Type.Optional(Type.String({ maxLength: 2048 })),
          state: Type.Optional(Type.String({ maxLength: 256 })),
          error: Type.Optional(Type.String({ maxLength: 256 })),
          scope: Type.Optional(Type.String({ maxLength: 2048 })),
        }),
        response: { 200: ConnectionView, ...problemResponses(400, 503) },
      },
    },
    async (request) =>
      calendars.finishGoogle({
        ...(request.query.code ? { code: request.query.code } : {}),
        ...(request.query.state ? { state: request.query.state } : {}),
        ...(request.query.error ? { error: request.query.error } : {}),
      }),
  );

  app.delete(
    `${BASE}/google`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Disconnect Google Calendar (the grant is revoked at Google and the tokens deleted)',
        response: { 204: Type.Null({ description: 'Disconnected' }), ...problemResponses(401, 404) },
      },
    },
    async (request, reply) => {
      await calendars.disconnect(callerOf(request).sub, 'google');
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${BASE}/sync`,
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Push your upcoming events to your connected calendars now',
        response: { 200: Type.Object({ pushed: Type.Integer() }), ...problemResponses(401, 503) },
      },
    },
    async (request) => calendars.syncMember(callerOf(request).sub),
  );
}
