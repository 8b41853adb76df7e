import { randomBytes } from 'node:crypto';
import type { Logger } from '@diaspora/service-kit';
import type { CalendarConnection, CalendarEntry } from '../domain/model.js';
import type { CalendarAccount, GoogleConnector } from '../domain/ports.js';

/**
 * The local stand-in for Google (GOOGLE_CALENDAR_PROVIDER=local, the default without Google credentials): the
 * "consent screen" redirects straight back to the callback, and calendar writes are kept in memory and logged.
 */
export class LocalGoogleConnector implements GoogleConnector {
  readonly calendars = new Map<string, Map<string, CalendarEntry>>();

  constructor(
    private readonly callbackUrl: string,
    private readonly logger: Logger,
  ) {}

  authorizeUrl(input: { state: string; codeChallenge: string }): string {
    const url = new URL(this.callbackUrl);
    url.searchParams.set('code', `local-${randomBytes(8).toString('hex')}`);
    url.searchParams.set('state', input.state);
    return url.href;
  }

  async exchange() {
    const calendarRef = `local-${randomBytes(6).toString('hex')}`;
    this.calendars.set(calendarRef, new Map());
    return { credentials: JSON.stringify({ local: true }), account: 'local calendar', calendarRef };
  }

  async revoke() {}

  /** Nobody edits the in-memory calendar: nothing to pull. */
  async changes() {
    return { changes: [] };
  }

  async open(connection: CalendarConnection): Promise<CalendarAccount> {
    const calendar = this.calendars.get(connection.calendarRef) ?? new Map<string, CalendarEntry>();
    this.calendars.set(connection.calendarRef, calendar);
    return {
      upsert: async (entry) => {
        calendar.set(entry.eventId, entry);
        this.logger.info({ userId: connection.userId, eventId: entry.eventId }, 'local Google calendar: event written');
        return { remoteRef: entry.eventId };
      },
      remove: async (item) => {
        calendar.delete(item.eventId);
        this.logger.info({ userId: connection.userId, eventId: item.eventId }, 'local Google calendar: event removed');
      },
    };
  }
}
