import type { CalendarConnection } from '../domain/model.js';
import type { AppleConnector, CalendarAccount } from '../domain/ports.js';
import { CalDavAccount, type CalDavCredentials } from './caldav.js';

/** Apple Calendar over CalDAV: credentials are `{serverUrl, username, password}` sealed as JSON. */
export class CalDavAppleConnector implements AppleConnector {
  async connect(credentials: CalDavCredentials) {
    const { calendarUrl } = await CalDavAccount.connect(credentials);
    return { calendarRef: calendarUrl };
  }

  async open(connection: CalendarConnection, credentials: string): Promise<CalendarAccount> {
    return CalDavAccount.open(JSON.parse(credentials) as CalDavCredentials, connection.calendarRef);
  }
}
