import type { EventData, EventPublished } from '@diaspora/events';
import type { Notifier } from './notifier.js';
import type { Contacts, UnitOfWork } from './ports.js';

/**
 * New-event alerts: a published national event goes to the members living in its country, any other event with a
 * city to the members of that city, in both cases only those with the event's domain among theirs; each member
 * gets at most `dailyCap` such alerts a day (UTC).
 */
export class Alerts {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly notifier: Notifier,
    private readonly contacts: Contacts,
    private readonly dailyCap: number,
  ) {}

  async announce(event: EventData<typeof EventPublished>, now = new Date()): Promise<number> {
    if (!event.country || (event.type !== 'national' && !event.city)) return 0;
    const national = event.type === 'national';
    const day = now.toISOString().slice(0, 10);
    const place = national ? event.country : `${event.city}`;
    let written = 0;
    // Live frames trail the writes page by page: the inbox rows never wait for sockets (at most one announcement's
    // notifications are held, the fan-out's own size).
    let live: Promise<void> = Promise.resolve();
    const pages = this.contacts
      .members({
        country: event.country,
        ...(national ? {} : { city: event.city }),
        domains: [event.domain],
      })
      [Symbol.asyncIterator]();
    // The next page of members is fetched while this one is written.
    let next = pages.next();
    for (;;) {
      const current = await next;
      if (current.done) break;
      next = pages.next();
      const page = current.value;
      const recipients = page.filter((id) => id !== event.organizerId);
      const notifications = await this.uow.run(async (scope) => {
        const allowed = await scope.alerts.take(recipients, day, this.dailyCap);
        return this.notifier.fanOut(scope, {
          recipientIds: allowed,
          type: 'new_event',
          key: event.eventId,
          text: 'new_event',
          params: { event: event.title, place },
          data: { eventId: event.eventId, startsAt: event.startsAt, country: event.country, city: event.city },
        });
      });
      written += notifications.length;
      live = live.then(() => this.notifier.live(notifications));
    }
    await live;
    return written;
  }
}
