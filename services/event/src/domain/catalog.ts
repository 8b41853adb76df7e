import { EventCanceled, EventPublished, EventUpdated } from '@diaspora/events';
import {
  type AccessClaims,
  type CursorCodec,
  cursorBinding,
  type Domain,
  newId,
  positions,
  problems,
} from '@diaspora/service-kit';
import {
  assertMayCreate,
  assertMayManage,
  canonicalLanguages,
  type EventFields,
  type EventRecord,
  type EventType,
  eventView,
  isVisibleTo,
  snapshot,
  type Translations,
  type Venue,
  validateFields,
} from './event.js';
import type {
  Audience,
  DatePosition,
  Directory,
  ListFilters,
  Page,
  RoleCheck,
  Scope,
  Slice,
  UnitOfWork,
} from './ports.js';
import { expandRecurrence, normalizeRule } from './recurrence.js';
import type { Registrations } from './registrations.js';

export interface EventInput {
  title: string;
  description: string;
  translations?: Translations;
  domain: Domain;
  type: EventType;
  startsAt: string;
  endsAt: string;
  timezone: string;
  venue?: Venue;
  online?: { url: string };
  capacity: number;
  languages: string[];
  priceCents?: number;
  currency?: string;
  parentEventId?: string;
  recurrence?: string;
  coverImageUrl?: string;
  status?: 'draft' | 'published';
}

export type EventPatch = Partial<Omit<EventInput, 'type' | 'recurrence' | 'status' | 'venue' | 'online'>> & {
  venue?: Venue | null;
  online?: { url: string } | null;
  status?: 'published';
};

/** Fields a series-wide edit may change: times belong to each occurrence. */
const SERIES_FIELDS = new Set([
  'title',
  'description',
  'translations',
  'domain',
  'venue',
  'online',
  'capacity',
  'languages',
  'priceCents',
  'currency',
  'coverImageUrl',
  'status',
]);

export class Catalog {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly registrations: Registrations,
    private readonly directory: Directory,
    private readonly options: { maxOccurrences: number; cursors: CursorCodec; roles: RoleCheck; now?: () => Date },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Place of the event: the venue's, or the organizer's scope for online national/local events. */
  private fieldsOf(claims: AccessClaims, input: EventInput): EventFields {
    const scoped = input.type === 'national' || input.type === 'local';
    return {
      title: input.title.trim(),
      description: input.description.trim(),
      translations: input.translations ?? {},
      domain: input.domain,
      type: input.type,
      startsAt: new Date(input.startsAt),
      endsAt: new Date(input.endsAt),
      timezone: input.timezone,
      venue: input.venue ? { ...input.venue, city: input.venue.city.trim() } : null,
      onlineUrl: input.online?.url ?? null,
      city: input.venue?.city.trim() ?? (input.type === 'local' ? (claims.city ?? null) : null),
      country: input.venue?.country ?? (scoped ? (claims.country ?? null) : null),
      capacity: input.capacity,
      languages: canonicalLanguages(input.languages),
      priceCents: input.priceCents ?? null,
      currency: input.currency?.toUpperCase() ?? null,
      coverImageUrl: input.coverImageUrl ?? null,
      parentEventId: input.parentEventId ?? null,
    };
  }

  private async checkParent(scope: Scope, fields: EventFields): Promise<void> {
    if (!fields.parentEventId) return;
    const parent = await scope.events.findById(fields.parentEventId);
    const field = 'parentEventId';
    if (!parent) throw problems.validation([{ field, message: 'no such event' }]);
    if (parent.type !== 'national') throw problems.validation([{ field, message: 'must be a national event' }]);
    if (parent.status === 'canceled')
      throw problems.validation([{ field, message: 'the national event was canceled' }]);
    if (parent.country !== fields.country)
      throw problems.validation([{ field, message: 'a sub-event takes place in the national event’s country' }]);
  }

  async create(token: AccessClaims, input: EventInput) {
    const claims = await this.options.roles.confirm(token);
    const fields = this.fieldsOf(claims, input);
    const errors = validateFields(fields, { now: this.now(), requireFuture: true });
    if (errors.length) throw problems.validation(errors);
    assertMayCreate(claims, fields);
    const occurrences = input.recurrence
      ? expandRecurrence(input.recurrence, fields, this.options.maxOccurrences)
      : [{ index: 0, startsAt: fields.startsAt, endsAt: fields.endsAt }];
    const status = input.status ?? 'published';
    return this.uow.run(async (scope) => {
      await this.checkParent(scope, fields);
      const seriesId = input.recurrence ? newId('ser') : null;
      if (seriesId)
        await scope.events.insertSeries({
          id: seriesId,
          organizerId: claims.sub,
          rrule: normalizeRule(input.recurrence!),
        });
      const created: EventRecord[] = [];
      for (const occurrence of occurrences) {
        const event = await scope.events.insert({
          ...fields,
          id: newId('evt'),
          organizerId: claims.sub,
          status,
          startsAt: occurrence.startsAt,
          endsAt: occurrence.endsAt,
          seriesId,
          occurrenceIndex: seriesId ? occurrence.index : null,
        });
        if (status === 'published') {
          await scope.publish(EventPublished, snapshot(event));
          await scope.jobs.scheduleReminders(event);
        }
        created.push(event);
      }
      const first = created[0]!;
      return {
        ...eventView(first),
        ...(seriesId
          ? { occurrences: created.map((event) => ({ id: event.id, startsAt: event.startsAt.toISOString() })) }
          : {}),
      };
    });
  }

  async get(claims: AccessClaims | null, id: string) {
    const event = await this.uow.read.events.findById(id);
    if (!event || !isVisibleTo(claims, event)) throw problems.notFound('event');
    const subEvents = event.type === 'national' ? await this.uow.read.events.subEvents(id) : [];
    return {
      ...eventView(event),
      ...(subEvents.length ? { subEventIds: subEvents.map((sub) => sub.id) } : {}),
    };
  }

  /** Visible events among `ids`, in the asked order (gRPC BatchGetEvents). */
  async many(claims: AccessClaims | null, ids: string[]) {
    const events = await this.uow.read.events.findManyByIds([...new Set(ids)]);
    const byId = new Map(events.map((event) => [event.id, event]));
    return [...new Set(ids)].flatMap((id) => {
      const event = byId.get(id);
      return event && isVisibleTo(claims, event) ? [event] : [];
    });
  }

  async update(token: AccessClaims, id: string, patch: EventPatch, scopeOfEdit: 'occurrence' | 'series') {
    const claims = await this.options.roles.confirm(token);
    return this.uow.run(async (scope) => {
      const event = await scope.events.findById(id, { forUpdate: true });
      if (!event || !isVisibleTo(claims, event)) throw problems.notFound('event');
      assertMayManage(claims, event);
      if (event.status === 'canceled') throw problems.conflict('A canceled event cannot be edited.', 'event-canceled');
      if (scopeOfEdit === 'series') {
        if (!event.seriesId) throw problems.validation([{ field: 'scope', message: 'this event is not recurring' }]);
        const timed = Object.keys(patch).filter((key) => !SERIES_FIELDS.has(key));
        if (timed.length)
          throw problems.validation(
            timed.map((field) => ({
              field,
              message: 'edit the time of each occurrence separately (scope=occurrence)',
            })),
          );
        const targets = await scope.events.seriesFrom(event.seriesId, event.startsAt);
        const updated = [];
        for (const target of targets)
          if (target.status !== 'canceled') updated.push(await this.apply(scope, claims, target, patch));
        return { ...eventView(updated[0] ?? event), updatedOccurrences: updated.length };
      }
      return eventView(await this.apply(scope, claims, event, patch));
    });
  }

  private async apply(scope: Scope, claims: AccessClaims, event: EventRecord, patch: EventPatch): Promise<EventRecord> {
    const current: EventFields = { ...event };
    const next: EventFields = {
      ...current,
      ...(patch.title !== undefined ? { title: patch.title.trim() } : {}),
      ...(patch.description !== undefined ? { description: patch.description.trim() } : {}),
      ...(patch.translations !== undefined ? { translations: patch.translations } : {}),
      ...(patch.domain !== undefined ? { domain: patch.domain } : {}),
      ...(patch.startsAt !== undefined ? { startsAt: new Date(patch.startsAt) } : {}),
      ...(patch.endsAt !== undefined ? { endsAt: new Date(patch.endsAt) } : {}),
      ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
      ...(patch.capacity !== undefined ? { capacity: patch.capacity } : {}),
      ...(patch.languages !== undefined ? { languages: canonicalLanguages(patch.languages) } : {}),
      ...(patch.priceCents !== undefined ? { priceCents: patch.priceCents } : {}),
      ...(patch.currency !== undefined ? { currency: patch.currency.toUpperCase() } : {}),
      ...(patch.coverImageUrl !== undefined ? { coverImageUrl: patch.coverImageUrl } : {}),
      ...(patch.parentEventId !== undefined ? { parentEventId: patch.parentEventId } : {}),
    };
    if (patch.venue !== undefined) {
      next.venue = patch.venue ? { ...patch.venue, city: patch.venue.city.trim() } : null;
      if (patch.venue) [next.city, next.country] = [next.venue!.city, patch.venue.country];
    }
    if (patch.online !== undefined) next.onlineUrl = patch.online?.url ?? null;
    const timesChanged = patch.startsAt !== undefined || patch.endsAt !== undefined;
    const errors = validateFields(next, { now: this.now(), requireFuture: timesChanged });
    if (errors.length) throw problems.validation(errors);
    // Moving a national/local event elsewhere must still be within the editor's remit.
    if (patch.venue && (event.type === 'national' || event.type === 'local') && claims.sub === event.organizerId)
      assertMayCreate(claims, next);
    if (next.capacity < event.registeredCount)
      throw problems.conflict(
        `Capacity ${next.capacity} is below the ${event.registeredCount} seats already taken.`,
        'capacity-below-registrations',
      );
    if (patch.parentEventId !== undefined) await this.checkParent(scope, next);
    const changed = (Object.keys(next) as (keyof EventFields)[]).filter(
      (key) => JSON.stringify(next[key]) !== JSON.stringify(current[key]),
    );
    const publishing = patch.status === 'published' && event.status === 'draft';
    if (changed.length === 0 && !publishing) return event;
    const changes = Object.fromEntries(changed.map((key) => [key, next[key]])) as Partial<EventFields>;
    let updated = await scope.events.update(event.id, {
      ...changes,
      ...(publishing ? { status: 'published' as const } : {}),
    });
    if (next.capacity > event.capacity) updated = await this.registrations.fillSeats(scope, updated);
    if (publishing) await scope.publish(EventPublished, snapshot(updated));
    else if (updated.status === 'published')
      await scope.publish(EventUpdated, {
        ...snapshot(updated),
        changed: changed.map((key) => (key === 'onlineUrl' ? 'online' : key)),
      });
    if (publishing || changed.includes('startsAt')) await scope.jobs.scheduleReminders(updated);
    return updated;
  }

  async cancel(token: AccessClaims, id: string, reason: string | undefined, scopeOfEdit: 'occurrence' | 'series') {
    const claims = await this.options.roles.confirm(token);
    return this.uow.run(async (scope) => {
      const event = await scope.events.findById(id, { forUpdate: true });
      if (!event || !isVisibleTo(claims, event)) throw problems.notFound('event');
      assertMayManage(claims, event);
      if (event.status === 'canceled') throw problems.conflict('The event is already canceled.', 'event-canceled');
      if (event.endsAt <= this.now())
        throw problems.conflict('The event is over; it cannot be canceled.', 'event-over');
      if (scopeOfEdit === 'series' && !event.seriesId)
        throw problems.validation([{ field: 'scope', message: 'this event is not recurring' }]);
      const targets =
        scopeOfEdit === 'series' ? await scope.events.seriesFrom(event.seriesId!, event.startsAt) : [event];
      let first: EventRecord | undefined;
      for (const target of targets) {
        if (target.status === 'canceled') continue;
        const canceled = await this.cancelOne(scope, target, reason);
        first ??= canceled;
      }
      return { ...eventView(first ?? event), canceledOccurrences: targets.length };
    });
  }

  /** Cancels the event and every live registration; registrants are told through events.registration.canceled. */
  async cancelOne(scope: Scope, event: EventRecord, reason: string | undefined): Promise<EventRecord> {
    const wasPublished = event.status === 'published';
    for (const registration of await scope.registrations.activeForEvent(event.id))
      await this.registrations.end(scope, event, registration, 'event_canceled');
    const canceled = await scope.events.update(event.id, { status: 'canceled', cancelReason: reason ?? null });
    if (wasPublished) await scope.publish(EventCanceled, { ...snapshot(canceled), ...(reason ? { reason } : {}) });
    return canceled;
  }

  /** Cursors carry `[startsAt, id]` of the last item, bound to the listing and its filters. */
  afterCursor(binding: string, cursor: string | undefined): DatePosition | undefined {
    const position = this.options.cursors.decodeOptional(cursor, binding, positions.dateAndId);
    return position ? { startsAt: new Date(position[0]), id: position[1] } : undefined;
  }

  private datePage<T extends EventRecord>(binding: string, slice: Slice<T>): Page<T> {
    const last = slice.items[slice.items.length - 1];
    const nextCursor =
      slice.hasMore && last ? this.options.cursors.encode(binding, [last.startsAt.toISOString(), last.id]) : null;
    return { items: slice.items, nextCursor };
  }

  async list(filters: ListFilters, limit: number, cursor?: string) {
    const binding = cursorBinding('events', '', { ...filters });
    return this.datePage(binding, await this.uow.read.events.list(filters, limit, this.afterCursor(binding, cursor)));
  }

  async popular(filters: { country?: string; city?: string }, limit: number, cursor?: string) {
    const binding = cursorBinding('popular-events', '', filters);
    const offset = this.options.cursors.decodeOptional(cursor, binding, positions.count) ?? 0;
    const slice = await this.uow.read.events.popular(filters, limit, offset);
    return {
      items: slice.items,
      nextCursor: slice.hasMore ? this.options.cursors.encode(binding, offset + limit) : null,
    };
  }

  /**
   * Whose events a member's /upcoming lists: their residence and origin from the user service; when it cannot
   * be reached the token's country/city stand in (`personalization: "token"`), so the list degrades instead of
   * failing.
   */
  async audienceFor(userId: string, claims: AccessClaims | null) {
    let audience: Audience | null = null;
    let personalization: 'profile' | 'token' = 'profile';
    try {
      audience = await this.directory.audienceOf(userId);
    } catch (error) {
      // A gRPC caller has no token to fall back on: let it see the outage.
      if (!claims) throw error;
      audience = null;
    }
    if (!audience) {
      if (!claims) throw problems.notFound('user');
      personalization = 'token';
      audience = { residenceCountry: claims.country, residenceCity: claims.city };
    }
    return { audience, personalization };
  }

  /** Upcoming events for a member: their residence city, national events of their residence country, and events in their origin country. */
  async upcoming(userId: string, claims: AccessClaims | null, limit: number, cursor?: string) {
    const { audience, personalization } = await this.audienceFor(userId, claims);
    const binding = upcomingBinding(userId);
    const slice = await this.uow.read.events.upcomingFor(audience, limit, this.afterCursor(binding, cursor));
    return { ...this.datePage(binding, slice), personalization, audience };
  }
}

/** Bound to the member: their audience decides what the positions mean. */
export const upcomingBinding = (userId: string) => cursorBinding('upcoming-events', userId);
