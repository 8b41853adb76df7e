import type { EventSnapshot } from '@diaspora/events';
import type { AccessClaims, Domain } from '@diaspora/service-kit';
import { canonicalLanguageTag, type FieldError, hasRole, problems } from '@diaspora/service-kit';
import type { Static } from 'typebox';

export const EVENT_TYPES = ['free', 'premium', 'national', 'local'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type EventStatus = 'draft' | 'published' | 'canceled';

export interface Venue {
  name: string;
  address: string;
  city: string;
  country: string;
  lat: number;
  lon: number;
}

export type Translations = Record<string, { title?: string; description?: string }>;

/** An event (one occurrence of a series, when recurring) as the service stores it. */
export interface EventRecord {
  id: string;
  seriesId: string | null;
  occurrenceIndex: number | null;
  recurrence: string | null;
  parentEventId: string | null;
  organizerId: string;
  type: EventType;
  status: EventStatus;
  title: string;
  description: string;
  translations: Translations;
  domain: Domain;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  venue: Venue | null;
  onlineUrl: string | null;
  /** Where the event belongs: the venue's city/country, or the organizer's scope for online events. */
  city: string | null;
  country: string | null;
  capacity: number;
  registeredCount: number;
  waitlistCount: number;
  languages: string[];
  priceCents: number | null;
  currency: string | null;
  coverImageUrl: string | null;
  cancelReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields a create or an edit may set. */
export interface EventFields {
  title: string;
  description: string;
  translations: Translations;
  domain: Domain;
  type: EventType;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  venue: Venue | null;
  onlineUrl: string | null;
  city: string | null;
  country: string | null;
  capacity: number;
  languages: string[];
  priceCents: number | null;
  currency: string | null;
  coverImageUrl: string | null;
  parentEventId: string | null;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

const sameCity = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Checks what the JSON schema cannot: time order, time zone, place, price rules, languages. Collects every
 * problem as a field error so one answer tells the client all it must fix.
 */
export function validateFields(fields: EventFields, options: { now: Date; requireFuture: boolean }): FieldError[] {
  const errors: FieldError[] = [];
  if (!isTimeZone(fields.timezone))
    errors.push({ field: 'timezone', message: `"${fields.timezone}" is not an IANA time zone` });
  if (Number.isNaN(fields.startsAt.getTime())) errors.push({ field: 'startsAt', message: 'is not a date-time' });
  if (Number.isNaN(fields.endsAt.getTime())) errors.push({ field: 'endsAt', message: 'is not a date-time' });
  if (fields.endsAt <= fields.startsAt) errors.push({ field: 'endsAt', message: 'must be after startsAt' });
  if (options.requireFuture && fields.startsAt <= options.now)
    errors.push({ field: 'startsAt', message: 'must be in the future' });
  if (fields.endsAt.getTime() - fields.startsAt.getTime() > 31 * 86_400_000)
    errors.push({ field: 'endsAt', message: 'an event lasts at most 31 days' });
  if (!fields.venue && !fields.onlineUrl) errors.push({ field: 'venue', message: 'give a venue or an online url' });
  if (fields.venue && fields.onlineUrl)
    errors.push({ field: 'online', message: 'give a venue or an online url, not both' });
  if (fields.venue && !fields.venue.city.trim()) errors.push({ field: 'venue.city', message: 'must not be blank' });
  if (fields.type === 'premium') {
    if (fields.priceCents === null) errors.push({ field: 'priceCents', message: 'a premium event requires a price' });
    if (fields.currency === null) errors.push({ field: 'currency', message: 'a premium event requires a currency' });
  } else {
    if (fields.priceCents !== null) errors.push({ field: 'priceCents', message: 'only premium events have a price' });
    if (fields.currency !== null) errors.push({ field: 'currency', message: 'only premium events have a price' });
  }
  if (fields.parentEventId && fields.type !== 'local')
    errors.push({ field: 'parentEventId', message: 'only local events can be sub-events of a national event' });
  fields.languages.forEach((tag, index) => {
    if (!canonicalLanguageTag(tag))
      errors.push({ field: `languages[${index}]`, message: `"${tag}" is not a known BCP-47 language tag` });
  });
  for (const tag of Object.keys(fields.translations)) {
    if (!canonicalLanguageTag(tag))
      errors.push({ field: `translations.${tag}`, message: `"${tag}" is not a known BCP-47 language tag` });
  }
  return errors;
}

export function canonicalLanguages(tags: string[]): string[] {
  return [...new Set(tags.map((tag) => canonicalLanguageTag(tag) ?? tag))];
}

/**
 * Who may create which type (spec §9): national events by the ambassador of the event's country, local events by
 * the consul of the event's city, free and premium events by any member. For online national/local events the
 * place is the organizer's scope.
 */
export function assertMayCreate(claims: AccessClaims, fields: EventFields): void {
  if (fields.type === 'national') {
    if (!hasRole(claims, 'ambassador')) throw problems.forbidden('Only ambassadors create national events.');
    if (!claims.country || fields.country !== claims.country)
      throw problems.forbidden(
        `An ambassador creates national events in their own country (${claims.country ?? 'none'}).`,
      );
  }
  if (fields.type === 'local') {
    if (!hasRole(claims, 'consul')) throw problems.forbidden('Only consuls create local events.');
    if (!claims.country || fields.country !== claims.country || !sameCity(fields.city, claims.city))
      throw problems.forbidden(`A consul creates local events in their own city (${claims.city ?? 'none'}).`);
  }
}

/** Organizer, the ambassador of the event's country, or a super user. */
export function mayManage(claims: AccessClaims | null, event: EventRecord): boolean {
  if (!claims) return false;
  if (claims.sub === event.organizerId || hasRole(claims, 'super')) return true;
  return hasRole(claims, 'ambassador') && !!event.country && claims.country === event.country;
}

export function assertMayManage(claims: AccessClaims, event: EventRecord): void {
  if (!mayManage(claims, event))
    throw problems.forbidden("Only the organizer, the ambassador of the event's country or a super user may do this.");
}

/** Drafts are seen only by those who may manage them; published and canceled events by everyone. */
export function isVisibleTo(claims: AccessClaims | null, event: EventRecord): boolean {
  return event.status !== 'draft' || mayManage(claims, event);
}

/** The public shape (API.md "event"). */
export function eventView(event: EventRecord) {
  return {
    id: event.id,
    title: event.title,
    description: event.description,
    ...(Object.keys(event.translations).length ? { translations: event.translations } : {}),
    domain: event.domain,
    type: event.type,
    status: event.status,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    timezone: event.timezone,
    ...(event.venue ? { venue: event.venue } : {}),
    ...(event.onlineUrl ? { online: { url: event.onlineUrl } } : {}),
    ...(event.country ? { country: event.country } : {}),
    ...(event.city ? { city: event.city } : {}),
    capacity: event.capacity,
    registeredCount: event.registeredCount,
    waitlistCount: event.waitlistCount,
    seatsLeft: Math.max(0, event.capacity - event.registeredCount),
    languages: event.languages,
    organizerId: event.organizerId,
    ...(event.parentEventId ? { parentEventId: event.parentEventId } : {}),
    ...(event.seriesId ? { seriesId: event.seriesId, occurrenceIndex: event.occurrenceIndex ?? 0 } : {}),
    ...(event.recurrence ? { recurrence: event.recurrence } : {}),
    ...(event.priceCents !== null ? { priceCents: event.priceCents } : {}),
    ...(event.currency ? { currency: event.currency } : {}),
    ...(event.coverImageUrl ? { coverImageUrl: event.coverImageUrl } : {}),
    ...(event.cancelReason ? { cancelReason: event.cancelReason } : {}),
    createdAt: event.createdAt.toISOString(),
    updatedAt: event.updatedAt.toISOString(),
  };
}

/** The payload of events.event.* (packages/events EventSnapshot): what feeds and search index. */
export function snapshot(event: EventRecord): Static<typeof EventSnapshot> {
  return {
    eventId: event.id,
    title: event.title,
    domain: event.domain,
    type: event.type,
    status: event.status,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    timezone: event.timezone,
    ...(event.country ? { country: event.country } : {}),
    ...(event.city ? { city: event.city } : {}),
    ...(event.venue ? { lat: event.venue.lat, lon: event.venue.lon } : {}),
    online: event.onlineUrl !== null,
    languages: event.languages,
    organizerId: event.organizerId,
    ...(event.parentEventId ? { parentEventId: event.parentEventId } : {}),
    capacity: event.capacity,
    registeredCount: event.registeredCount,
    ...(event.priceCents !== null ? { priceCents: event.priceCents } : {}),
    ...(event.currency ? { currency: event.currency } : {}),
    ...(event.coverImageUrl ? { coverImageUrl: event.coverImageUrl } : {}),
  };
}

/** What registration/check-in/rating events carry about their event. */
export function eventContext(event: EventRecord) {
  return {
    eventId: event.id,
    eventTitle: event.title,
    eventType: event.type,
    domain: event.domain,
    startsAt: event.startsAt.toISOString(),
    timezone: event.timezone,
    organizerId: event.organizerId,
    ...(event.country ? { country: event.country } : {}),
    ...(event.city ? { city: event.city } : {}),
  };
}
