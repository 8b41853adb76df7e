import { createHash, randomBytes } from 'node:crypto';
import { CalendarConnectionBroken } from '@diaspora/events';
import { type Cache, type Logger, problems } from '@diaspora/service-kit';
import type { CalendarConnection, CalendarEntry, CalendarProvider } from './model.js';
import {
  type AppleConnector,
  CalendarAuthError,
  type CalendarProviderPort,
  type Clock,
  type EventDirectory,
  type GoogleConnector,
  type IntegrationStore,
  type TargetPolicy,
  type Vault,
} from './ports.js';
import type { Publish } from './webhooks.js';

export const connectionView = (c: CalendarConnection) => ({
  provider: c.provider,
  status: c.status,
  account: c.account,
  connectedAt: c.createdAt.toISOString(),
  ...(c.brokenReason ? { brokenReason: c.brokenReason } : {}),
});

/** What a registration event tells about its event, for when the event service cannot be asked. */
export interface RegisteredEvent {
  eventId: string;
  eventTitle: string;
  startsAt: string;
  timezone: string;
  city?: string;
  country?: string;
}

const DEFAULT_DURATION_MS = 2 * 3_600_000;
const OAUTH_STATE_TTL_MS = 600_000;

/**
 * Pushes the events a member holds a seat at into the calendars they connected, and keeps them in step: a
 * confirmed registration adds the event, a canceled one removes it, an updated or canceled event is rewritten in
 * every calendar holding it. A provider that refuses the stored credentials for good marks the connection broken
 * and tells the member (integration.calendar.broken) instead of retrying forever.
 */
export class CalendarSync {
  constructor(
    private readonly deps: {
      store: IntegrationStore;
      vault: Vault;
      policy: TargetPolicy;
      apple: AppleConnector;
      google: GoogleConnector;
      /** Pending OAuth states (single use, ten minutes). */
      cache: Cache;
      events: EventDirectory;
      publish: Publish;
      clock: Clock;
      logger: Logger;
      defaultCalDavUrl: string;
    },
  ) {}

  async connections(userId: string) {
    return { connections: (await this.deps.store.calendars.connections(userId)).map(connectionView) };
  }

  async connectApple(userId: string, input: { username: string; appPassword: string; serverUrl?: string }) {
    const serverUrl = input.serverUrl ?? this.deps.defaultCalDavUrl;
    await this.deps.policy.assertAllowed(serverUrl);
    const credentials = { serverUrl, username: input.username, password: input.appPassword };
    let calendarRef: string;
    try {
      ({ calendarRef } = await this.deps.apple.connect(credentials));
    } catch (error) {
      if (error instanceof CalendarAuthError)
        throw problems.badRequest(
          'The calendar server refused this username and app-specific password.',
          'calendar-auth-failed',
        );
      // The member named the server: one that cannot be reached or spoken to is their input to fix, not our outage.
      this.deps.logger.warn({ err: error, userId }, 'CalDAV connect failed');
      throw problems.badRequest(
        'The calendar server could not be reached or is not a CalDAV server; check the address and try again.',
        'calendar-unreachable',
      );
    }
    const now = this.deps.clock();
    const existing = await this.deps.store.calendars.connection(userId, 'apple');
    const connection: CalendarConnection = {
      userId,
      provider: 'apple',
      status: 'active',
      credentials: this.deps.vault.seal(JSON.stringify(credentials)),
      calendarRef,
      account: input.username,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.deps.store.calendars.saveConnection(connection);
    await this.syncMember(userId).catch((error: unknown) =>
      this.deps.logger.warn({ err: error, userId }, 'initial calendar push failed; the next change or sync retries'),
    );
    return connectionView(connection);
  }

  /** Google consent: where to send the member, with a single-use state bound to them and a PKCE verifier. */
  async startGoogle(userId: string): Promise<{ url: string }> {
    const state = randomBytes(24).toString('base64url');
    const verifier = randomBytes(48).toString('base64url');
    const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
    await this.deps.cache.set(`google-oauth:${state}`, JSON.stringify({ userId, verifier }), OAUTH_STATE_TTL_MS);
    return { url: this.deps.google.authorizeUrl({ state, codeChallenge }) };
  }

  /** The consent came back: check the state once, trade the code, keep the tokens sealed, push upcoming events. */
  async finishGoogle(input: { code?: string; state?: string; error?: string }) {
    const key = `google-oauth:${input.state ?? ''}`;
    const pending = input.state ? await this.deps.cache.get(key) : null;
    if (!pending || !(await this.deps.cache.setIfAbsent(`${key}:used`, '1', OAUTH_STATE_TTL_MS)))
      throw problems.badRequest(
        'The sign-in state is unknown, expired or already used; connect again.',
        'invalid-oauth-state',
      );
    await this.deps.cache.delete(key);
    if (input.error || !input.code)
      throw problems.badRequest(`Google did not grant access (${input.error ?? 'no code'}).`, 'calendar-auth-failed');
    const { userId, verifier } = JSON.parse(pending) as { userId: string; verifier: string };
    let granted: Awaited<ReturnType<GoogleConnector['exchange']>>;
    try {
      granted = await this.deps.google.exchange(input.code, verifier);
    } catch (error) {
      if (error instanceof CalendarAuthError) throw problems.badRequest(error.message, 'calendar-auth-failed');
      this.deps.logger.warn({ err: error, userId }, 'Google token exchange failed');
      throw problems.unavailable('Google could not be reached; try again shortly.');
    }
    const now = this.deps.clock();
    const existing = await this.deps.store.calendars.connection(userId, 'google');
    const connection: CalendarConnection = {
      userId,
      provider: 'google',
      status: 'active',
      credentials: this.deps.vault.seal(granted.credentials),
      calendarRef: granted.calendarRef,
      account: granted.account,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.deps.store.calendars.saveConnection(connection);
    await this.syncMember(userId).catch((error: unknown) =>
      this.deps.logger.warn({ err: error, userId }, 'initial calendar push failed; the next change or sync retries'),
    );
    return connectionView(connection);
  }

  async disconnect(userId: string, provider: CalendarProvider) {
    const connection = await this.deps.store.calendars.connection(userId, provider);
    if (!connection) throw problems.notFound('calendar connection');
    // Revocation at Google first (the member asked to cut access), but a provider outage does not keep the tokens.
    if (provider === 'google')
      await this.deps.google
        .revoke(this.deps.vault.open(connection.credentials))
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: error, userId }, 'Google revocation failed; tokens deleted'),
        );
    await this.deps.store.calendars.deleteConnection(userId, provider);
  }

  /** Pushes every upcoming event the member holds a seat at (after connecting, or on demand). */
  async syncMember(userId: string): Promise<{ pushed: number }> {
    const connections = (await this.deps.store.calendars.connections(userId)).filter((c) => c.status === 'active');
    if (connections.length === 0) return { pushed: 0 };
    const upcoming = await this.deps.events.upcomingFor(userId);
    let pushed = 0;
    for (const connection of connections)
      for (const entry of upcoming) if (await this.push(connection, entry)) pushed++;
    return { pushed };
  }

  /** A seat is held (confirmed registration, or promoted to confirmed). */
  async registered(userId: string, event: RegisteredEvent) {
    const connections = (await this.deps.store.calendars.connections(userId)).filter((c) => c.status === 'active');
    if (connections.length === 0) return;
    const entry = (await this.deps.events.get(event.eventId)) ?? fromRegistration(event);
    for (const connection of connections) await this.push(connection, entry);
  }

  async unregistered(userId: string, eventId: string) {
    for (const connection of await this.deps.store.calendars.connections(userId)) {
      const item = await this.deps.store.calendars.item(userId, connection.provider, eventId);
      if (!item || connection.status !== 'active') continue;
      await this.withAccount(connection, (account) => account.remove(item));
      await this.deps.store.calendars.deleteItem(userId, connection.provider, eventId);
    }
  }

  /** The event changed or was canceled: rewrite it wherever it was pushed. */
  async eventChanged(entry: CalendarEntry) {
    for (const item of await this.deps.store.calendars.itemsForEvent(entry.eventId)) {
      const connection = await this.deps.store.calendars.connection(item.userId, item.provider);
      if (connection?.status === 'active') await this.push(connection, entry);
    }
  }

  /** Pushes the platform's current version of an event again (after a refused edit made in a calendar). */
  async refresh(eventId: string) {
    const entry = await this.deps.events.get(eventId);
    if (entry) await this.eventChanged(entry);
  }

  private async push(connection: CalendarConnection, entry: CalendarEntry): Promise<boolean> {
    const existing = await this.deps.store.calendars.item(connection.userId, connection.provider, entry.eventId);
    const written = await this.withAccount(connection, (account) => account.upsert(entry, existing));
    if (!written) return false;
    await this.deps.store.calendars.saveItem({
      userId: connection.userId,
      provider: connection.provider,
      eventId: entry.eventId,
      remoteRef: written.remoteRef,
      ...(written.etag ? { etag: written.etag } : {}),
      syncedAt: this.deps.clock(),
    });
    return true;
  }

  /** Runs provider work; a refused credential breaks the connection (undefined), anything else is thrown (retry). */
  private async withAccount<T>(
    connection: CalendarConnection,
    work: (account: Awaited<ReturnType<CalendarProviderPort['open']>>) => Promise<T>,
  ): Promise<T | undefined> {
    const port: CalendarProviderPort = connection.provider === 'apple' ? this.deps.apple : this.deps.google;
    try {
      const account = await port.open(connection, this.deps.vault.open(connection.credentials));
      return await work(account);
    } catch (error) {
      if (!(error instanceof CalendarAuthError)) throw error;
      await this.markBroken(connection, error.message);
      return undefined;
    }
  }

  async markBroken(connection: CalendarConnection, reason: string) {
    const at = this.deps.clock();
    await this.deps.store.calendars.saveConnection({
      ...connection,
      status: 'broken',
      brokenReason: reason,
      updatedAt: at,
    });
    await this.deps.publish(CalendarConnectionBroken, {
      userId: connection.userId,
      provider: connection.provider,
      reason,
      at: at.toISOString(),
    });
  }
}

function fromRegistration(event: RegisteredEvent): CalendarEntry {
  const startsAt = new Date(event.startsAt);
  const location = [event.city, event.country].filter(Boolean).join(', ');
  return {
    eventId: event.eventId,
    title: event.eventTitle,
    startsAt,
    endsAt: new Date(startsAt.getTime() + DEFAULT_DURATION_MS),
    timezone: event.timezone,
    ...(location ? { location } : {}),
    canceled: false,
  };
}
