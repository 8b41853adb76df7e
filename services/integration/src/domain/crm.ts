import type { Logger } from '@diaspora/service-kit';
import type { CrmConnector, EventDirectory, MemberContacts } from './ports.js';

/**
 * Keeps the organization's CRM in step with registrations: whenever a member's registrations change, their
 * contact is upserted (by verified email) with the upcoming events they hold a seat at. Members without a
 * verified email are not pushed. The event service's list is authoritative; without it, the changed event alone.
 */
export class CrmSync {
  constructor(
    private readonly deps: { connector: CrmConnector; members: MemberContacts; events: EventDirectory; logger: Logger },
  ) {}

  async registrationsChanged(
    userId: string,
    change: { eventId: string; title: string; startsAt: string; held: boolean },
  ) {
    const member = await this.deps.members.get(userId);
    if (!member?.emailVerified || !member.email) return;
    let upcoming = (await this.deps.events.upcomingFor(userId)).map((e) => ({
      eventId: e.eventId,
      title: e.title,
      startsAt: e.startsAt,
    }));
    const listed = upcoming.some((e) => e.eventId === change.eventId);
    if (change.held && !listed)
      upcoming.push({ eventId: change.eventId, title: change.title, startsAt: new Date(change.startsAt) });
    if (!change.held) upcoming = upcoming.filter((e) => e.eventId !== change.eventId);
    await this.deps.connector.upsertContact({
      userId,
      email: member.email,
      displayName: member.displayName,
      registrations: upcoming.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()),
    });
  }
}
