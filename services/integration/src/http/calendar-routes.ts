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
          'events. 400 `calendar-auth-failed` when the server refuses the password.',
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
