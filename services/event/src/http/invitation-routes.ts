import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import { Type } from 'typebox';
import { type Invitations, MAX_INVITEES } from '../domain/invitations.js';
import { EventIdParam } from './schemas.js';

const InvitationBody = Type.Object(
  {
    userIds: Type.Array(Type.String({ pattern: '^usr_[0-9a-z]{26}$' }), { minItems: 1, maxItems: MAX_INVITEES }),
  },
  { additionalProperties: false },
);
const InvitationResult = Type.Object({
  id: Type.String({ description: 'inv_… (the batch)' }),
  eventId: Type.String(),
  invited: Type.Array(Type.String()),
});

export async function invitationRoutes(app: HttpApp, invitations: Invitations): Promise<void> {
  app.post(
    '/api/v1/events/:id/invitations',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['events'],
        security: bearerSecurity,
        summary: 'Invite members to your event (at most 100 per call)',
        description:
          'Organizer only, published events that have not ended. 403 when an invitee blocks you (nobody is ' +
          'invited); 400 for ids that are not members. Invitees are notified by the notification service.',
        params: EventIdParam,
        body: InvitationBody,
        response: { 201: InvitationResult, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await invitations.invite(callerOf(request), request.params.id, request.body.userIds)),
  );
}
