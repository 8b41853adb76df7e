import { EventInvitationCreated } from '@diaspora/events';
import { type AccessClaims, newId, problems } from '@diaspora/service-kit';
import { eventContext } from './event.js';
import type { UnitOfWork } from './ports.js';

/** At most this many members per invitation call. */
export const MAX_INVITEES = 100;

/** How an invitee stands towards the organizer (from the user service). */
export type Standing = 'ok' | 'blocked' | 'unknown';

/**
 * Invitations by the organizer of a published, upcoming event. Checked whole before anything is written: a member
 * who blocks the organizer (or is blocked by them), or who does not exist, refuses the call (nothing is sent).
 * The notification service turns events.invitation.created into the invitations members see.
 */
export class Invitations {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly standing: (userId: string, organizerId: string) => Promise<Standing>,
  ) {}

  async invite(claims: AccessClaims, eventId: string, userIds: string[]) {
    const invitees = [...new Set(userIds)].filter((id) => id !== claims.sub);
    if (invitees.length === 0) throw problems.validation([{ field: 'userIds', message: 'names nobody to invite' }]);
    if (invitees.length > MAX_INVITEES)
      throw problems.validation([{ field: 'userIds', message: `at most ${MAX_INVITEES} members per call` }]);
    const event = await this.uow.read.events.findById(eventId);
    if (!event) throw problems.notFound('event');
    if (event.organizerId !== claims.sub) throw problems.forbidden('Only the organizer invites to this event.');
    if (event.status !== 'published' || event.endsAt.getTime() <= Date.now())
      throw problems.conflict('Only a published event that has not ended takes invitations.', 'event-not-open');
    const standings = await Promise.all(invitees.map((id) => this.standing(id, event.organizerId)));
    const unknown = invitees.filter((_, i) => standings[i] === 'unknown');
    if (unknown.length > 0)
      throw problems.validation(unknown.map((id) => ({ field: 'userIds', message: `${id} is not a member` })));
    // Who blocked whom is private: the organizer learns only that some invitees cannot be invited.
    if (standings.includes('blocked'))
      throw problems.forbidden('Some of these members cannot be invited by you; nobody was invited.');
    const invitationBatchId = newId('inv');
    await this.uow.run((scope) =>
      scope.publish(EventInvitationCreated, {
        invitationBatchId,
        userIds: invitees,
        ...eventContext(event),
        at: new Date().toISOString(),
      }),
    );
    return { id: invitationBatchId, eventId, invited: invitees };
  }
}
