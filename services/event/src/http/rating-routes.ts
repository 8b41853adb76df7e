import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import { Type } from 'typebox';
import type { Attendance } from '../domain/attendance.js';
import type { Scorecards } from '../domain/scorecards.js';
import {
  CountryScorecardsQuery,
  EventIdParam,
  RatingBody,
  RatingSummary,
  RatingView,
  Scorecard,
  UserIdParam,
  YearQuery,
} from './schemas.js';

export async function ratingRoutes(app: HttpApp, deps: { attendance: Attendance; scorecards: Scorecards }) {
  const { attendance, scorecards } = deps;

  app.post(
    '/api/v1/events/:id/ratings',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['ratings'],
        security: bearerSecurity,
        summary: 'Rate an event you attended, once, after it ended (five criteria, 1-5)',
        params: EventIdParam,
        body: RatingBody,
        response: { 201: RatingView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await attendance.rate(callerOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/events/:id/ratings/summary',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['ratings'],
        security: bearerSecurity,
        summary: "Average scores of an event's ratings",
        params: EventIdParam,
        response: { 200: RatingSummary, ...problemResponses(401, 404) },
      },
    },
    async (request) => attendance.summary(request.auth, request.params.id),
  );

  app.get(
    '/api/v1/events/organizers/:userId/scorecard',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['scorecards'],
        security: bearerSecurity,
        summary: "An organizer's year: local events held vs the consul quota, average ratings, quota flag",
        description: 'For the organizer, the ambassador of their country, or a super user.',
        params: UserIdParam,
        querystring: YearQuery,
        response: { 200: Scorecard, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => scorecards.view(callerOf(request), request.params.userId, request.query.year),
  );

  app.get(
    '/api/v1/events/scorecards',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['scorecards'],
        security: bearerSecurity,
        summary: "Scorecards of a country's consuls (its ambassador, or super with ?country=)",
        querystring: CountryScorecardsQuery,
        response: {
          200: Type.Object({ country: Type.String(), items: Type.Array(Scorecard) }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => scorecards.ofCountry(callerOf(request), request.query.country, request.query.year),
  );
}
