import {
  bearerSecurity,
  CountryCodeSchema,
  callerOf,
  type HttpApp,
  IsoDateTimeSchema,
  problemResponses,
} from '@diaspora/service-kit';
import { Type } from 'typebox';
import type { GovernanceService } from '../domain/governance.js';
import { City, PublicUser, UserIdParam } from './schemas.js';

const Assignment = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  role: Type.Enum(['super', 'ambassador', 'consul']),
  country: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  appointedBy: Type.String(),
  appointedAt: IsoDateTimeSchema,
});
const Done = { type: 'null', description: 'Revoked' } as const;
const tags = ['roles'];

/** Appointments: a super user names ambassadors; an ambassador names consuls for cities of their country. */
export async function governanceRoutes(app: HttpApp, governance: GovernanceService): Promise<void> {
  app.post(
    '/api/v1/users/ambassadors',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Appoint an ambassador of a country (super users)',
        description: 'Audited and announced (users.role.appointed); the member gets the role at their next refresh.',
        body: Type.Object(
          { userId: UserIdParam.properties.userId, country: CountryCodeSchema },
          { additionalProperties: false },
        ),
        response: { 201: Assignment, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await governance.appointAmbassador(callerOf(request).sub, request.body)),
  );

  app.post(
    '/api/v1/users/consuls',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Appoint a consul of a city (its country’s ambassador, or a super user)',
        description: 'An ambassador appointing outside their own country gets 403.',
        body: Type.Object(
          { userId: UserIdParam.properties.userId, country: CountryCodeSchema, city: City },
          { additionalProperties: false },
        ),
        response: { 201: Assignment, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await governance.appointConsul(callerOf(request).sub, request.body)),
  );

  for (const role of ['ambassador', 'consul'] as const) {
    app.delete(
      `/api/v1/users/${role}s/:userId`,
      {
        onRequest: app.authenticate,
        schema: {
          tags,
          security: bearerSecurity,
          summary:
            role === 'ambassador'
              ? 'Revoke an ambassador (super users)'
              : 'Revoke a consul (its country’s ambassador, or a super user)',
          description: 'Audited and announced (users.role.revoked); the role leaves their token at the next refresh.',
          params: UserIdParam,
          response: { 204: Done, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        if (role === 'ambassador') await governance.revokeAmbassador(callerOf(request).sub, request.params.userId);
        else await governance.revokeConsul(callerOf(request).sub, request.params.userId);
        return reply.code(204).send(null);
      },
    );

    app.get(
      `/api/v1/users/${role}s`,
      {
        onRequest: app.authenticate,
        schema: {
          tags,
          security: bearerSecurity,
          summary: role === 'ambassador' ? 'Current ambassadors' : 'Current consuls',
          querystring: Type.Object({
            country: Type.Optional(CountryCodeSchema),
            ...(role === 'consul' ? { city: Type.Optional(City) } : {}),
          }),
          response: {
            200: Type.Object({ items: Type.Array(Type.Object({ ...Assignment.properties, user: PublicUser })) }),
            ...problemResponses(400, 401),
          },
        },
      },
      async (request) => {
        const query = request.query as { country?: string; city?: string };
        return { items: await governance.list(callerOf(request).sub, role, query) };
      },
    );
  }
}
