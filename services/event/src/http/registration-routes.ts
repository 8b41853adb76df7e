import {
  bearerSecurity,
  callerOf,
  type Database,
  type HttpApp,
  idempotent,
  problemResponses,
} from '@diaspora/service-kit';
import type { Attendance } from '../domain/attendance.js';
import type { Registrations } from '../domain/registrations.js';
import {
  BulkCheckInBody,
  BulkCheckInResult,
  CheckInBody,
  CheckInResult,
  EventIdParam,
  RegistrationListQuery,
  RegistrationPage,
  RegistrationView,
} from './schemas.js';

const tags = ['registrations'];
const idempotencyHeader = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', maxLength: 255, description: 'makes a retry safe' } },
} as const;

export async function registrationRoutes(
  app: HttpApp,
  deps: { registrations: Registrations; attendance: Attendance; db: Database },
): Promise<void> {
  const { registrations, attendance } = deps;
  const retrySafe = idempotent(deps.db);

  app.post(
    '/api/v1/events/:id/registrations',
    {
      onRequest: app.authenticate,
      ...retrySafe,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Register for an event',
        description:
          '201 with status `confirmed` (seat and check-in code), `pending_payment` (premium: seat held until ' +
          '`holdExpiresAt`, confirmed when the ticket is paid) or `waitlisted` (full: FIFO position). ' +
          'Accepts Idempotency-Key.',
        params: EventIdParam,
        headers: idempotencyHeader,
        response: { 201: RegistrationView, ...problemResponses(401, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await registrations.register(callerOf(request), request.params.id)),
  );

  app.delete(
    '/api/v1/events/:id/registrations',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Cancel your registration (the next waitlisted member gets the seat)',
        params: EventIdParam,
        response: { 200: RegistrationView, ...problemResponses(401, 404, 409) },
      },
    },
    async (request) => registrations.cancel(callerOf(request), request.params.id),
  );

  app.get(
    '/api/v1/events/:id/registrations/me',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Your registration (with check-in code and QR payload)',
        params: EventIdParam,
        response: { 200: RegistrationView, ...problemResponses(401, 404) },
      },
    },
    async (request) => registrations.mine(callerOf(request), request.params.id),
  );

  app.get(
    '/api/v1/events/:id/registrations',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: "The event's registrations (organizer, ambassador of the country, super)",
        params: EventIdParam,
        querystring: RegistrationListQuery,
        response: { 200: RegistrationPage, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { limit = 50, cursor, status } = request.query;
      return registrations.listForEvent(callerOf(request), request.params.id, {
        limit,
        ...(cursor ? { cursor } : {}),
        ...(status ? { status } : {}),
      });
    },
  );

  app.post(
    '/api/v1/events/:id/check-in',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Check a participant in by code or QR payload (organizer)',
        description: 'Each registration checks in once: a second scan is 409 with who checked it in and when.',
        params: EventIdParam,
        body: CheckInBody,
        response: { 200: CheckInResult, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => attendance.checkIn(callerOf(request), request.params.id, request.body.code),
  );

  app.post(
    '/api/v1/events/:id/check-ins',
    {
      onRequest: app.authenticate,
      ...retrySafe,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Upload scans made offline (organizer); one outcome per code, safe to retry',
        description: 'Up to 500 codes; `scannedAt` is kept as the check-in time. Accepts Idempotency-Key.',
        params: EventIdParam,
        headers: idempotencyHeader,
        body: BulkCheckInBody,
        response: { 200: BulkCheckInResult, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => attendance.bulkCheckIn(callerOf(request), request.params.id, request.body.items),
  );
}
