import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import type { Calendars } from '../domain/calendars.js';
import { renderIcs } from './ics-view.js';
import { CalendarFeed, EventIdParam, FeedParam } from './schemas.js';

/** An iCalendar document, documented under its own media type. */
const CALENDAR = {
  description: 'RFC 5545 calendar',
  content: { 'text/calendar': { schema: { type: 'string' } } },
};

const tags = ['calendars'];
const ICS_TYPE = 'text/calendar; charset=utf-8';

export async function calendarRoutes(
  app: HttpApp,
  deps: { calendars: Calendars; publicBaseUrl: string; reminderOffsetsMinutes: number[] },
): Promise<void> {
  const { calendars } = deps;
  const options = { publicBaseUrl: deps.publicBaseUrl, reminderOffsetsMinutes: deps.reminderOffsetsMinutes };

  // Public (no bearer token; the gateway routes *.ics without jwt): drafts stay invisible.
  app.get(
    '/api/v1/events/:id.ics',
    {
      schema: {
        tags,
        summary: 'One event as an iCalendar file (RFC 5545)',
        params: EventIdParam,
        response: { 200: CALENDAR, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const event = await calendars.publicEvent(request.params.id);
      return reply
        .type(ICS_TYPE)
        .header('content-disposition', `attachment; filename="${event.id}.ics"`)
        .header('cache-control', 'public, max-age=300')
        .send(renderIcs([event], { ...options, name: event.title }));
    },
  );

  app.post(
    '/api/v1/events/calendar/feed',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Issue your personal calendar feed URL (revokes the previous one)',
        response: { 201: CalendarFeed, ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      const token = await calendars.issueFeed(callerOf(request).sub);
      return reply.code(201).send({ token, url: `${deps.publicBaseUrl}/api/v1/events/calendar/${token}.ics` });
    },
  );

  app.get(
    '/api/v1/events/calendar/:token.ics',
    {
      schema: {
        tags,
        summary: 'Your registered events as a subscribable iCalendar feed (the token is the credential)',
        params: FeedParam,
        response: { 200: CALENDAR, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const events = await calendars.feedEvents(request.params.token);
      return reply
        .type(ICS_TYPE)
        .header('cache-control', 'private, max-age=300')
        .send(renderIcs(events, { ...options, name: 'My diaspora events', ttlSeconds: 3600 }));
    },
  );
}
