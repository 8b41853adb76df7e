import { type DAVCalendar, DAVClient } from 'tsdav';
import type { CalendarEntry, CalendarItem } from '../domain/model.js';
import { type CalendarAccount, CalendarAuthError } from '../domain/ports.js';
import { toICalendar } from './icalendar.js';

export interface CalDavCredentials {
  serverUrl: string;
  username: string;
  password: string;
}

type Client = DAVClient;

const CALENDAR_NAME = 'Diaspora';
const SESSION_TIMEOUT_MS = 20_000;

const isAuthFailure = (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  return /401|403|unauthori[sz]ed|forbidden|invalid credentials/i.test(message);
};

async function login(credentials: CalDavCredentials): Promise<Client> {
  try {
    const client = new DAVClient({
      serverUrl: credentials.serverUrl,
      credentials: { username: credentials.username, password: credentials.password },
      authMethod: 'Basic',
      defaultAccountType: 'caldav',
      // One deadline for the whole session (a login and a few writes): a server that never answers cannot hold a
      // consumer or a request open.
      fetchOptions: { signal: AbortSignal.timeout(SESSION_TIMEOUT_MS) },
    });
    await client.login();
    return client;
  } catch (error) {
    if (isAuthFailure(error)) throw new CalendarAuthError('the CalDAV server refused the app-specific password');
    throw error;
  }
}

async function checked(response: Response, what: string): Promise<Response> {
  if (response.status === 401 || response.status === 403)
    throw new CalendarAuthError(`the CalDAV server refused the credentials (${what})`);
  if (!response.ok) throw new Error(`CalDAV ${what} failed: HTTP ${response.status}`);
  return response;
}

/**
 * Apple Calendar (iCloud) or any CalDAV server through tsdav: the member's app-specific password, a "Diaspora"
 * calendar found or made in their calendar home, one calendar object per event (`<eventId>.ics`).
 */
export class CalDavAccount implements CalendarAccount {
  private constructor(
    private readonly client: Client,
    private readonly calendarUrl: string,
  ) {}

  /** Logs in and finds (or makes) the Diaspora calendar; returns the account and that calendar's URL. */
  static async connect(credentials: CalDavCredentials): Promise<{ account: CalDavAccount; calendarUrl: string }> {
    const client = await login(credentials);
    const calendars = await client.fetchCalendars();
    const home = client.account?.homeUrl;
    const ours = home ? new URL('diaspora/', home).href : undefined;
    let calendar = calendars.find((c) => displayName(c) === CALENDAR_NAME || c.url === ours);
    if (!calendar) {
      if (!ours) throw new Error('the CalDAV server named no calendar home');
      const url = ours;
      const [made] = await client.makeCalendar({ url, props: { displayname: CALENDAR_NAME } });
      if (made && !made.ok) throw new Error(`CalDAV MKCALENDAR failed: HTTP ${made.status}`);
      calendar = (await client.fetchCalendars()).find((c) => c.url === url || displayName(c) === CALENDAR_NAME);
      if (!calendar) throw new Error('the CalDAV server did not keep the Diaspora calendar');
    }
    return { account: new CalDavAccount(client, calendar.url), calendarUrl: calendar.url };
  }

  /** An account on a calendar found earlier. */
  static async open(credentials: CalDavCredentials, calendarUrl: string): Promise<CalDavAccount> {
    return new CalDavAccount(await login(credentials), calendarUrl);
  }

  async upsert(entry: CalendarEntry, existing?: CalendarItem) {
    const data = toICalendar(entry);
    if (existing) {
      const response = await this.client.updateCalendarObject({
        calendarObject: { url: existing.remoteRef, data, ...(existing.etag ? { etag: existing.etag } : {}) },
      });
      // 412: changed on the member's side since; the platform's version wins (the event is ours).
      if (response.status === 412) return this.replace(existing.remoteRef, data);
      if (response.status !== 404) {
        await checked(response, 'update');
        return { remoteRef: existing.remoteRef, ...etagOf(response) };
      }
    }
    const filename = `${entry.eventId}.ics`;
    const response = await this.client.createCalendarObject({
      calendar: { url: this.calendarUrl } as DAVCalendar,
      filename,
      iCalString: data,
    });
    const remoteRef = new URL(filename, this.calendarUrl).href;
    if (response.status === 412) return this.replace(remoteRef, data);
    await checked(response, 'create');
    return { remoteRef, ...etagOf(response) };
  }

  async remove(item: CalendarItem) {
    const response = await this.client.deleteCalendarObject({ calendarObject: { url: item.remoteRef, etag: '' } });
    if (response.status === 404) return;
    await checked(response, 'delete');
  }

  private async replace(url: string, data: string) {
    const response = await this.client.updateCalendarObject({ calendarObject: { url, data, etag: '' } });
    await checked(response, 'update');
    return { remoteRef: url, ...etagOf(response) };
  }
}

function displayName(calendar: DAVCalendar): string | undefined {
  const name = calendar.displayName;
  return typeof name === 'string' ? name : undefined;
}

function etagOf(response: Response): { etag?: string } {
  const etag = response.headers.get('etag');
  return etag ? { etag } : {};
}
