import { problems } from '@diaspora/service-kit';
import type { EventRecord } from './event.js';
import type { UnitOfWork } from './ports.js';

/** Calendar files: one public event, and each member's feed of registered events behind its URL token. */
export class Calendars {
  constructor(private readonly uow: UnitOfWork) {}

  /** Anyone may download a published (or canceled) event; drafts stay invisible. */
  async publicEvent(eventId: string): Promise<EventRecord> {
    const event = await this.uow.read.events.findById(eventId);
    if (!event || event.status === 'draft') throw problems.notFound('event');
    return event;
  }

  /** A new feed token for the member; the previous URL stops working. */
  issueFeed(userId: string): Promise<string> {
    return this.uow.read.calendarFeeds.rotate(userId);
  }

  /** The events of the feed this token opens. */
  async feedEvents(token: string): Promise<EventRecord[]> {
    const userId = await this.uow.read.calendarFeeds.owner(token);
    if (!userId) throw problems.notFound('calendar feed');
    return this.uow.read.calendarFeeds.eventsOf(userId);
  }
}
