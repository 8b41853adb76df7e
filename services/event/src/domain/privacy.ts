import type { Catalog } from './catalog.js';
import { eventView } from './event.js';
import type { Directory, Scope, UnitOfWork } from './ports.js';
import type { ReadCache } from './read-cache.js';
import { type Registrations, registrationView } from './registrations.js';

/** What stands in for an erased organizer on past events (kept for the attendees' history and analytics). */
export const ERASED_ORGANIZER = 'usr_erased';

/** GDPR for the event service (the kit's `userData` part): the member's archive section, and erasure. */
export class Privacy {
  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      catalog: Catalog;
      registrations: Registrations;
      directory: Directory;
      readCache?: ReadCache;
    },
  ) {}

  async export(userId: string) {
    const { uow } = this.deps;
    const [registrations, ratings, organized, feed] = await Promise.all([
      uow.read.registrations.listForUser(userId),
      uow.read.ratings.listForUser(userId),
      uow.read.events.list({ organizerId: userId, from: new Date(0) }, 100),
      uow.read.calendarFeeds.exists(userId),
    ]);
    return {
      registrations: registrations.map((registration) => registrationView(registration)),
      ratings: ratings.map((rating) => ({ ...rating, createdAt: rating.createdAt.toISOString() })),
      organizedEvents: organized.items.map(eventView),
      calendarFeed: feed ? { active: true } : null,
    };
  }

  /**
   * Erasure, in the users.user.deleted consumer's transaction: live registrations are canceled first (seats go to
   * the waitlist, counts stay right), then every registration row is deleted; ratings lose their author but keep
   * counting for the organizer; the member's future events are canceled (registrants are told) and past ones keep
   * a placeholder organizer; the calendar feed, role rows and the cached audience go.
   */
  async erase(scope: Scope, userId: string): Promise<void> {
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
    await scope.calendarFeeds.forget(userId);
    await this.deps.directory.forget(userId);
    // Past events now name a placeholder organizer, without a domain event for each.
    await this.deps.readCache?.invalidateAll();
  }
}
