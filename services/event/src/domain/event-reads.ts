import type { AccessClaims, CursorCodec } from '@diaspora/service-kit';
import { type Catalog, upcomingBinding } from './catalog.js';
import { type EventRecord, eventView } from './event.js';
import type { ListFilters, Slice, UnitOfWork } from './ports.js';
import type { ReadCache } from './read-cache.js';

/** Stands for "not the same for every viewer" (a draft, or no such event): each viewer's request reads it. */
const PER_VIEWER = '-';

/** A cached listing slice: the last item's `[startsAt, id]` (or null when no page follows), a line, the items. */
function encodeSlice(slice: Slice<EventRecord>): string {
  const last = slice.items[slice.items.length - 1];
  const position = slice.hasMore && last ? [last.startsAt.toISOString(), last.id] : null;
  return `${JSON.stringify(position)}\n${JSON.stringify(slice.items.map(eventView))}`;
}

/**
 * The HTTP reads that are the same for many viewers, answered from the read cache as serialized JSON (a hit
 * costs no query and no serialization). What depends on the viewer is added per request: the member-bound
 * cursor and audience of /upcoming, the sub-events of a national event, and drafts (never cached).
 */
export class EventReads {
  constructor(
    private readonly deps: { uow: UnitOfWork; catalog: Catalog; readCache: ReadCache; cursors: CursorCodec },
  ) {}

  async detail(claims: AccessClaims | null, id: string): Promise<string> {
    const { uow, catalog, readCache } = this.deps;
    const stored = await readCache.shared(await readCache.detailKey(id), async () => {
      const event = await uow.read.events.findById(id);
      return event && event.status !== 'draft' ? JSON.stringify(eventView(event)) : PER_VIEWER;
    });
    if (stored === PER_VIEWER) return JSON.stringify(await catalog.get(claims, id));
    const view = JSON.parse(stored) as ReturnType<typeof eventView>;
    if (view.type !== 'national') return stored;
    // Which local events hang under a national one is read each time: a sub-event may move between parents.
    const subEvents = await uow.read.events.subEvents(id);
    return subEvents.length ? JSON.stringify({ ...view, subEventIds: subEvents.map((sub) => sub.id) }) : stored;
  }

  async upcoming(userId: string, claims: AccessClaims | null, limit: number, cursor?: string): Promise<string> {
    const { uow, catalog, readCache, cursors } = this.deps;
    const { audience, personalization } = await catalog.audienceFor(userId, claims);
    const binding = upcomingBinding(userId);
    const after = catalog.afterCursor(binding, cursor);
    // Keyed by audience, not member: everyone living in Paris with origin SN shares one page.
    const key = await readCache.listingKey(
      'upcoming',
      [audience.residenceCountry, audience.originCountry],
      JSON.stringify([
        audience.residenceCountry ?? null,
        audience.residenceCity?.trim().toLowerCase() ?? null,
        audience.originCountry ?? null,
        limit,
        after ? [after.startsAt.toISOString(), after.id] : null,
      ]),
    );
    const stored = await readCache.shared(key, async () =>
      encodeSlice(await uow.read.events.upcomingFor(audience, limit, after)),
    );
    const newline = stored.indexOf('\n');
    const position = JSON.parse(stored.slice(0, newline)) as [string, string] | null;
    const nextCursor = position ? cursors.encode(binding, position) : null;
    return `{"items":${stored.slice(newline + 1)},"nextCursor":${JSON.stringify(nextCursor)},"personalization":"${personalization}","audience":${JSON.stringify(audience)}}`;
  }

  async popular(filters: { country?: string; city?: string }, limit: number, cursor?: string): Promise<string> {
    const { catalog, readCache } = this.deps;
    const key = await readCache.listingKey(
      'popular',
      [filters.country],
      JSON.stringify([filters.city?.toLowerCase() ?? null, limit, cursor ?? null]),
    );
    return readCache.shared(key, async () => {
      const page = await catalog.popular(filters, limit, cursor);
      return JSON.stringify({ items: page.items.map(eventView), nextCursor: page.nextCursor });
    });
  }

  /** The filtered listing; its cursor is bound to the filters, not to the member, so whole pages are shared. */
  async list(filters: ListFilters, limit: number, cursor?: string): Promise<string> {
    const { catalog, readCache } = this.deps;
    const key = await readCache.listingKey('list', [filters.country], JSON.stringify([filters, limit, cursor ?? null]));
    return readCache.shared(key, async () => {
      const page = await catalog.list(filters, limit, cursor);
      return JSON.stringify({
        items: page.items.map((event) => ({
          ...eventView(event),
          ...(event.distanceKm !== undefined ? { distanceKm: event.distanceKm } : {}),
        })),
        nextCursor: page.nextCursor,
      });
    });
  }
}
