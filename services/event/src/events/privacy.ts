import type { Queryable } from '@diaspora/service-kit';
import type { Catalog } from '../domain/catalog.js';
import { eventView } from '../domain/event.js';
import type { Scope, UnitOfWork } from '../domain/ports.js';
import { type Registrations, registrationView } from '../domain/registrations.js';
import { PgCalendarFeeds } from '../store/calendar-feeds.js';

/** What stands in for an erased organizer on past events (kept for the attendees' history and analytics). */
export const ERASED_ORGANIZER = 'usr_erased';

/** GDPR for the event service: the member's archive section, and erasure on users.user.deleted. */
export class Privacy {
  constructor(
    private readonly deps: { uow: UnitOfWork; db: Queryable; catalog: Catalog; registrations: Registrations },
  ) {}

  async export(userId: string) {
    const { uow } = this.deps;
    const [registrations, ratings, organized, feed] = await Promise.all([
      uow.read.registrations.listForUser(userId),
      uow.read.ratings.listForUser(userId),
      uow.read.events.list({ organizerId: userId, from: new Date(0) }, 100, undefined),
      new PgCalendarFeeds(this.deps.db).exists(userId),
    ]);
    return {
      registrations: registrations.map((registration) => registrationView(registration)),
      ratings: ratings.map((rating) => ({ ...rating, createdAt: rating.createdAt.toISOString() })),
      organizedEvents: organized.items.map(eventView),
      calendarFeed: feed ? { active: true } : null,
    };
  }

  /**
   * Erasure, in the consumer's transaction: live registrations are canceled first (seats go to the waitlist, counts
   * stay right), then every registration row is deleted; ratings lose their author but keep counting for the
   * organizer; the member's future events are canceled (registrants are told) and past ones keep a placeholder
   * organizer; the calendar feed and role rows go.
   */
  async erase(scope: Scope, tx: Queryable, userId: string): Promise<void> {
    for (const registration of await scope.registrations.listForUser(userId)) {
      if (registration.status === 'canceled') continue;
      const event = await scope.events.findById(registration.eventId, { forUpdate: true });
      const live = await scope.registrations.findActive(registration.eventId, userId, { forUpdate: true });
      if (event && live) await this.deps.registrations.end(scope, event, live, 'account_deleted');
    }
    for (const event of await scope.events.futureByOrganizer(userId))
      await this.deps.catalog.cancelOne(scope, event, 'The organizer left the platform.');
    await scope.registrations.deleteForUser(userId);
    await scope.ratings.anonymizeUser(userId);
    await scope.events.anonymizeOrganizer(userId, ERASED_ORGANIZER);
    await scope.roles.removeUser(userId);
    await new PgCalendarFeeds(tx).forget(userId);
  }
}
