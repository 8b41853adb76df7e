import type { eventV1 } from '@diaspora/proto';
import type { Logger } from '@diaspora/service-kit';
import type { CalendarEntry } from '../domain/model.js';
import type { EventDirectory } from '../domain/ports.js';

/** Event details for calendar entries from the event service (GetEvent, ListUpcomingForUser). */
export class GrpcEventDirectory implements EventDirectory {
  constructor(
    private readonly client: eventV1.EventServiceClient | undefined,
    private readonly logger: Logger,
    private readonly publicBaseUrl?: string,
  ) {}

  async get(eventId: string): Promise<CalendarEntry | undefined> {
    if (!this.client) return undefined;
    try {
      const { event } = await this.client.getEvent({ eventId, viewerId: '' });
      return event ? this.entry(event) : undefined;
    } catch (error) {
      // Not fatal: the registration event carries enough for a calendar entry.
      this.logger.warn({ err: error, eventId }, 'event lookup failed; using the registration event');
      return undefined;
    }
  }

  async upcomingFor(userId: string): Promise<CalendarEntry[]> {
    if (!this.client) return [];
    const entries: CalendarEntry[] = [];
    let pageToken = '';
    for (let page = 0; page < 10; page++) {
      const response = await this.client.listUpcomingForUser({ userId, pageSize: 100, pageToken });
      entries.push(...response.events.map((event) => this.entry(event)));
      if (!response.nextPageToken) break;
      pageToken = response.nextPageToken;
    }
    return entries;
  }

  private entry(event: eventV1.Event): CalendarEntry {
    const venue = event.venue;
    const location = venue ? [venue.name, venue.address, venue.city].filter(Boolean).join(', ') : event.onlineUrl;
    return {
      eventId: event.id,
      title: event.title,
      startsAt: new Date(event.startsAt),
      endsAt: new Date(event.endsAt),
      timezone: event.timezone,
      ...(location ? { location } : {}),
      ...(this.publicBaseUrl ? { url: `${this.publicBaseUrl.replace(/\/$/, '')}/events/${event.id}` } : {}),
      canceled: event.status === 'canceled',
    };
  }
}
