import type { eventV1 } from '@diaspora/proto';
import { problems } from '@diaspora/service-kit';
import type { Catalog } from '../domain/catalog.js';
import type { EventRecord } from '../domain/event.js';
import type { Registrations } from '../domain/registrations.js';
import type { Scorecards } from '../domain/scorecards.js';
import { type OnBehalf, withFieldDetail } from './on-behalf.js';

const MAX_BATCH = 100;

/** The viewer as the visibility rules see it: gRPC callers pass an id, never a token, so no elevated roles. */
const viewer = (viewerId: string) =>
  viewerId ? { sub: viewerId, roles: ['regular' as const], tier: 'free' as const, iat: 0, exp: 0, jti: '' } : null;

export function toGrpcEvent(event: EventRecord): eventV1.Event {
  return {
    id: event.id,
    title: event.title,
    description: event.description,
    domain: event.domain,
    type: event.type,
    status: event.status,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    timezone: event.timezone,
    ...(event.venue ? { venue: event.venue } : {}),
    ...(event.onlineUrl ? { onlineUrl: event.onlineUrl } : {}),
    capacity: event.capacity,
    registeredCount: event.registeredCount,
    waitlistCount: event.waitlistCount,
    languages: event.languages,
    organizerId: event.organizerId,
    ...(event.parentEventId ? { parentEventId: event.parentEventId } : {}),
    ...(event.priceCents !== null ? { priceCents: event.priceCents } : {}),
    ...(event.currency ? { currency: event.currency } : {}),
    ...(event.coverImageUrl ? { coverImageUrl: event.coverImageUrl } : {}),
    ...(event.seriesId ? { seriesId: event.seriesId } : {}),
    updatedAt: event.updatedAt.toISOString(),
  };
}

export function eventGrpcHandlers(deps: {
  catalog: Catalog;
  registrations: Registrations;
  scorecards: Scorecards;
  onBehalf: OnBehalf;
}): eventV1.EventServiceHandlers {
  const { catalog, registrations, scorecards, onBehalf } = deps;
  return {
    async getEvent(request) {
      if (!request.eventId) throw problems.badRequest('event_id is required');
      const [event] = await catalog.many(viewer(request.viewerId), [request.eventId]);
      if (!event) throw problems.notFound('event');
      // The viewer's seat (payment lets a pending_payment hold check out even when the event shows full).
      const status = request.viewerId ? await registrations.statusOf(event.id, request.viewerId) : null;
      return { event: toGrpcEvent(event), ...(status ? { viewerRegistrationStatus: status } : {}) };
    },
    async updateEventAsOrganizer(request) {
      return { event: toGrpcEvent(await withFieldDetail(() => onBehalf.update(request))) };
    },
    async cancelEventAsOrganizer(request) {
      return { event: toGrpcEvent(await withFieldDetail(() => onBehalf.cancel(request))) };
    },
    async importDraftEvent(request) {
      return { event: toGrpcEvent(await withFieldDetail(() => onBehalf.importDraft(request))) };
    },
    async registerMemberForEvent(request) {
      return { registration: await withFieldDetail(() => onBehalf.register(request)) };
    },
    async batchGetEvents(request) {
      if (request.eventIds.length > MAX_BATCH) throw problems.badRequest(`at most ${MAX_BATCH} event ids per call`);
      const events = await catalog.many(viewer(request.viewerId), request.eventIds);
      return { events: events.map(toGrpcEvent) };
    },
    async listUpcomingForUser(request) {
      if (!request.userId) throw problems.badRequest('user_id is required');
      const size = request.pageSize || 20;
      if (size < 1 || size > 100) throw problems.badRequest('page_size is 1..100');
      const page = await catalog.upcoming(request.userId, null, size, request.pageToken || undefined);
      return { events: page.items.map(toGrpcEvent), nextPageToken: page.nextCursor ?? '' };
    },
    async getScorecard(request) {
      if (!request.organizerId) throw problems.badRequest('organizer_id is required');
      const card = await scorecards.forOrganizer(request.organizerId, request.year || undefined);
      const averages = (a: typeof card.averages) => ({ ...a });
      return {
        organizerId: card.organizerId,
        year: card.year,
        eventsHeld: card.eventsHeld,
        eventsScheduled: card.eventsScheduled,
        quota: card.quota ?? 0,
        behindQuota: card.behindQuota,
        flagged: card.flagged,
        flagDate: card.flagDate,
        averages: averages(card.averages),
        monthly: card.monthly.map((month) => ({ month: month.month, averages: averages(month.averages) })),
        ...(card.country ? { country: card.country } : {}),
        ...(card.city ? { city: card.city } : {}),
      };
    },
  };
}
