import { calendar, type calendar_v3, auth as googleAuth } from 'googleapis/build/src/apis/calendar/index.js';
import type { CalendarConnection, CalendarEntry, CalendarItem } from '../domain/model.js';
import { type CalendarAccount, CalendarAuthError, type GoogleConnector, type RemoteChange } from '../domain/ports.js';

const SCOPE = 'https://www.googleapis.com/auth/calendar';
const CALENDAR_NAME = 'Diaspora';

export interface GoogleOptions {
  clientId: string;
  clientSecret: string;
  redirectUrl: string;
  /** Calendar v3 API root (tests: a local fake); Google's when unset. */
  apiRootUrl?: string;
  /** OAuth endpoints root (tests: a local fake): `<root>/auth`, `/token`, `/revoke`. */
  oauthBaseUrl?: string;
}

interface Tokens {
  access_token?: string | null;
  refresh_token?: string | null;
  expiry_date?: number | null;
}

type GoogleError = { response?: { status?: number; data?: { error?: unknown } }; message?: string };

const isRevoked = (error: unknown) => {
  const e = error as GoogleError;
  const code = typeof e.response?.data?.error === 'string' ? e.response.data.error : '';
  return code === 'invalid_grant' || /invalid_grant/.test(e.message ?? '') || e.response?.status === 401;
};
const status = (error: unknown) => (error as GoogleError).response?.status;

/** Google Calendar through `googleapis` (OAuth2 client and Calendar v3). */
export class GoogleCalendarConnector implements GoogleConnector {
  constructor(private readonly options: GoogleOptions) {}

  private oauth() {
    const base = this.options.oauthBaseUrl?.replace(/\/$/, '');
    return new googleAuth.OAuth2({
      clientId: this.options.clientId,
      clientSecret: this.options.clientSecret,
      redirectUri: this.options.redirectUrl,
      ...(base
        ? {
            endpoints: {
              oauth2AuthBaseUrl: `${base}/auth`,
              oauth2TokenUrl: `${base}/token`,
              oauth2RevokeUrl: `${base}/revoke`,
            },
          }
        : {}),
    });
  }

  private api(tokens: Tokens) {
    const client = this.oauth();
    client.setCredentials(tokens);
    return calendar({
      version: 'v3',
      auth: client,
      ...(this.options.apiRootUrl ? { rootUrl: this.options.apiRootUrl } : {}),
    });
  }

  authorizeUrl(input: { state: string; codeChallenge: string }): string {
    return this.oauth().generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: [SCOPE],
      state: input.state,
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256' as never,
    });
  }

  async exchange(code: string, codeVerifier: string) {
    let tokens: Tokens;
    try {
      ({ tokens } = await this.oauth().getToken({ code, codeVerifier }));
    } catch (error) {
      if (isRevoked(error)) throw new CalendarAuthError('Google refused the authorization code');
      throw error;
    }
    if (!tokens.refresh_token) throw new CalendarAuthError('Google granted no offline access (no refresh token)');
    const api = this.api(tokens);
    const primary = await api.calendarList.get({ calendarId: 'primary' });
    const list = await api.calendarList.list({ maxResults: 250 });
    let calendarId = list.data.items?.find((c) => c.summary === CALENDAR_NAME)?.id ?? undefined;
    if (!calendarId) {
      const made = await api.calendars.insert({
        requestBody: { summary: CALENDAR_NAME, description: 'Events you registered for on Diaspora' },
      });
      calendarId = made.data.id ?? undefined;
    }
    if (!calendarId) throw new Error('Google did not return the Diaspora calendar');
    return {
      credentials: JSON.stringify(tokens),
      account: primary.data.id ?? 'Google account',
      calendarRef: calendarId,
    };
  }

  async revoke(credentials: string) {
    const tokens = JSON.parse(credentials) as Tokens;
    const token = tokens.refresh_token ?? tokens.access_token;
    if (!token) return;
    try {
      await this.oauth().revokeToken(token);
    } catch (error) {
      if (!isRevoked(error) && status(error) !== 400) throw error;
    }
  }

  async changes(
    connection: CalendarConnection,
    credentials: string,
    syncToken: string | undefined,
  ): Promise<{ changes: RemoteChange[]; nextSyncToken?: string }> {
    const api = this.api(JSON.parse(credentials) as Tokens);
    const changes: RemoteChange[] = [];
    let pageToken: string | undefined;
    let nextSyncToken: string | undefined;
    try {
      do {
        const page = await api.events.list({
          calendarId: connection.calendarRef,
          maxResults: 250,
          ...(syncToken ? { syncToken } : { showDeleted: true }),
          ...(pageToken ? { pageToken } : {}),
        });
        for (const item of page.data.items ?? []) {
          const change = toChange(item);
          if (change) changes.push(change);
        }
        pageToken = page.data.nextPageToken ?? undefined;
        nextSyncToken = page.data.nextSyncToken ?? nextSyncToken;
      } while (pageToken);
    } catch (error) {
      // Google expired the token: start over with a full listing (the documented recovery).
      if (syncToken && status(error) === 410) return this.changes(connection, credentials, undefined);
      if (isRevoked(error)) throw new CalendarAuthError('Google access was revoked (invalid_grant)');
      throw error;
    }
    return { changes, ...(nextSyncToken ? { nextSyncToken } : {}) };
  }

  async open(connection: CalendarConnection, credentials: string): Promise<CalendarAccount> {
    const api = this.api(JSON.parse(credentials) as Tokens);
    const calendarId = connection.calendarRef;
    const guard = async <T>(work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        if (isRevoked(error)) throw new CalendarAuthError('Google access was revoked (invalid_grant)');
        throw error;
      }
    };
    return {
      upsert: (entry: CalendarEntry, existing?: CalendarItem) =>
        guard(async () => {
          const requestBody = eventBody(entry);
          if (existing) {
            try {
              const updated = await api.events.update({ calendarId, eventId: existing.remoteRef, requestBody });
              return { remoteRef: existing.remoteRef, ...(updated.data.etag ? { etag: updated.data.etag } : {}) };
            } catch (error) {
              if (status(error) !== 404 && status(error) !== 410) throw error;
            }
          }
          const created = await api.events.insert({ calendarId, requestBody });
          if (!created.data.id) throw new Error('Google created an event without an id');
          return { remoteRef: created.data.id, ...(created.data.etag ? { etag: created.data.etag } : {}) };
        }),
      remove: (item: CalendarItem) =>
        guard(async () => {
          try {
            await api.events.delete({ calendarId, eventId: item.remoteRef });
          } catch (error) {
            if (status(error) !== 404 && status(error) !== 410) throw error;
          }
        }),
    };
  }
}

function toChange(item: calendar_v3.Schema$Event): RemoteChange | undefined {
  if (!item.id || !item.updated) return undefined;
  const eventId = item.extendedProperties?.private?.diasporaEventId ?? undefined;
  const startsAt = item.start?.dateTime ? new Date(item.start.dateTime) : undefined;
  const endsAt = item.end?.dateTime ? new Date(item.end.dateTime) : undefined;
  return {
    remoteRef: item.id,
    ...(eventId ? { eventId } : {}),
    canceled: item.status === 'cancelled',
    ...(item.summary ? { title: item.summary } : {}),
    ...(startsAt ? { startsAt } : {}),
    ...(endsAt ? { endsAt } : {}),
    updated: new Date(item.updated),
  };
}

function eventBody(entry: CalendarEntry): calendar_v3.Schema$Event {
  return {
    summary: entry.canceled ? `Canceled: ${entry.title}` : entry.title,
    start: { dateTime: entry.startsAt.toISOString(), timeZone: entry.timezone },
    end: { dateTime: entry.endsAt.toISOString(), timeZone: entry.timezone },
    ...(entry.location ? { location: entry.location } : {}),
    ...(entry.url ? { description: entry.url, source: { title: 'Diaspora', url: entry.url } } : {}),
    // Two-way sync finds the platform's event from Google's copy by this.
    extendedProperties: { private: { diasporaEventId: entry.eventId } },
  };
}
