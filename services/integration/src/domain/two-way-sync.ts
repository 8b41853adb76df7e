import { type Logger, Problem } from '@diaspora/service-kit';
import type { CalendarSync } from './calendars.js';
import type { CalendarConnection } from './model.js';
import { CalendarAuthError, type GoogleConnector, type IntegrationStore, type RemoteChange } from './ports.js';

/** The platform's side of an event the member may organize. */
export interface OrganizedEvent {
  id: string;
  title: string;
  status: string;
  startsAt: string;
  endsAt: string;
  organizerId: string;
  updatedAt?: string;
}

/** The event service as two-way sync uses it: reads, and writes as the organizer (its rules decide). */
export interface OrganizerEvents {
  get(eventId: string): Promise<OrganizedEvent | undefined>;
  updateAsOrganizer(request: {
    eventId: string;
    actorId: string;
    title?: string;
    startsAt?: string;
    endsAt?: string;
  }): Promise<unknown>;
  cancelAsOrganizer(request: { eventId: string; actorId: string; reason: string }): Promise<unknown>;
}

/** A member's tier as the user service holds it now (GetRoles). */
export interface MemberTiers {
  tierOf(userId: string): Promise<'free' | 'premium' | undefined>;
}

const CANCELED_PREFIX = 'Canceled: ';

/**
 * Google → platform for premium organizers: changes pulled with the calendar's sync token, matched by
 * diasporaEventId, applied through the event service as the member. Rules (README "Calendars"): only events the
 * member organizes; the last writer by `updated` wins; the platform's rules win — a refused edit is overwritten by
 * the platform's version at once.
 */
export class TwoWaySync {
  constructor(
    private readonly deps: {
      store: IntegrationStore;
      open: (connection: CalendarConnection) => string;
      google: GoogleConnector;
      events: OrganizerEvents;
      tiers: MemberTiers;
      calendars: CalendarSync;
      logger: Logger;
    },
  ) {}

  async pullAll(): Promise<{ applied: number }> {
    let applied = 0;
    for (const connection of await this.deps.store.calendars.activeConnections('google')) {
      try {
        applied += (await this.pull(connection)).applied;
      } catch (error) {
        // One member's failure (Google or the event service down) must not stop the others; the next run retries.
        this.deps.logger.warn({ err: error, userId: connection.userId }, 'Google two-way pull failed');
      }
    }
    return { applied };
  }

  async pull(connection: CalendarConnection): Promise<{ applied: number }> {
    if ((await this.deps.tiers.tierOf(connection.userId)) !== 'premium') return { applied: 0 };
    let pulled: Awaited<ReturnType<GoogleConnector['changes']>>;
    try {
      pulled = await this.deps.google.changes(connection, this.deps.open(connection), connection.syncToken);
    } catch (error) {
      if (!(error instanceof CalendarAuthError)) throw error;
      await this.deps.calendars.markBroken(connection, error.message);
      return { applied: 0 };
    }
    let applied = 0;
    for (const change of pulled.changes) if (await this.apply(connection.userId, change)) applied++;
    const current = await this.deps.store.calendars.connection(connection.userId, 'google');
    if (current && pulled.nextSyncToken)
      await this.deps.store.calendars.saveConnection({ ...current, syncToken: pulled.nextSyncToken });
    return { applied };
  }

  private async apply(userId: string, change: RemoteChange): Promise<boolean> {
    const eventId =
      change.eventId ?? (await this.deps.store.calendars.itemByRemote(userId, 'google', change.remoteRef))?.eventId;
    if (!eventId) return false;
    const event = await this.deps.events.get(eventId);
    if (!event || event.organizerId !== userId || event.status === 'canceled') return false;
    // Last writer wins: a Google copy older than the platform's last change is stale, not an edit.
    if (event.updatedAt && change.updated <= new Date(event.updatedAt)) return false;
    try {
      if (change.canceled) {
        await this.deps.events.cancelAsOrganizer({ eventId, actorId: userId, reason: 'Canceled in Google Calendar' });
        return true;
      }
      const patch = edits(event, change);
      if (!patch) return false;
      await this.deps.events.updateAsOrganizer({ eventId, actorId: userId, ...patch });
      return true;
    } catch (error) {
      if (!(error instanceof Problem) || error.status >= 500) throw error;
      // The platform's rules refused it (capacity, a past start, rights): its version goes back to Google.
      this.deps.logger.info({ userId, eventId, reason: error.detail }, 'Google edit refused; platform version pushed');
      await this.deps.calendars.refresh(eventId);
      return false;
    }
  }
}

/** What the member changed in Google among the fields that flow back (title, times); undefined when nothing. */
function edits(event: OrganizedEvent, change: RemoteChange) {
  const title = change.title?.startsWith(CANCELED_PREFIX) ? undefined : change.title?.trim();
  const patch = {
    ...(title && title !== event.title ? { title } : {}),
    ...(change.startsAt && change.startsAt.getTime() !== Date.parse(event.startsAt)
      ? { startsAt: change.startsAt.toISOString() }
      : {}),
    ...(change.endsAt && change.endsAt.getTime() !== Date.parse(event.endsAt)
      ? { endsAt: change.endsAt.toISOString() }
      : {}),
  };
  return Object.keys(patch).length ? patch : undefined;
}
