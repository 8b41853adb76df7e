import type { EventData, EventSnapshot, PostSnapshot, UserProfileUpdated, UserRegistered } from '@diaspora/events';
import type { Static } from 'typebox';
import { type DocType, fold } from './query.js';

/**
 * One indexed document, whatever its type, as every engine stores it. Only what anyone may see is here: a
 * profile field its member does not make public never enters a document (so no filter, facet or word finds it).
 */
export interface SearchDocument {
  id: string;
  type: DocType;
  /** The member it is (users), organizes (events) or wrote (posts): blocks are applied on it. */
  ownerId: string;
  /** Display name, event title, or the post's first line. */
  title: string;
  body: string;
  /** ISO 639-1 of the text when known: picks the stemmer (english, french; others are searched as words). */
  language?: string;
  /** users: origin country; events: the venue's country; posts: the author's origin country. */
  country?: string;
  /** users and posts: city of residence; events: the venue's city. */
  city?: string;
  domains: string[];
  tags: string[];
  /** Post creation, event start, or registration. */
  at: string;
  location?: { lat: number; lon: number };
  /** Registered count of an event (popularity boost); 0 otherwise. */
  popularity: number;
  /** Who may find it: everyone, or (posts) members of the author's country or city of residence. */
  audience: { kind: 'public' } | { kind: 'country'; country: string } | { kind: 'city'; country: string; city: string };
  /** The public view returned to clients, beside `type`, `id` and `score`. */
  view: Record<string, unknown>;
}

/** What a member sees of themself in searches: their own scope for relevance and audiences, never shown to others. */
export interface ViewerProfile {
  userId: string;
  originCountry?: string;
  residenceCountry?: string;
  residenceCity?: string;
}

type Profile = EventData<typeof UserRegistered> | EventData<typeof UserProfileUpdated>;

const isPublic = (profile: Profile, field: string) => (profile.privacy?.[field] ?? 'public') === 'public';

/** A member's document: the display name always, every other field only when its privacy says public. */
export function userDocument(profile: Profile, registeredAt?: string): SearchDocument {
  const shown = (field: string) => isPublic(profile, field);
  const bio = 'bio' in profile && shown('bio') ? profile.bio : undefined;
  const avatarUrl = 'avatarUrl' in profile && shown('avatarUrl') ? profile.avatarUrl : undefined;
  const view: Record<string, unknown> = { displayName: profile.displayName };
  if (avatarUrl) view.avatarUrl = avatarUrl;
  if (bio) view.bio = bio;
  if (shown('originCountry')) view.originCountry = profile.originCountry;
  if (shown('residenceCountry')) view.residenceCountry = profile.residenceCountry;
  if (shown('residenceCity')) view.residenceCity = profile.residenceCity;
  if (shown('languages')) view.languages = profile.languages;
  if (shown('domains')) view.domains = profile.domains;
  return {
    id: profile.userId,
    type: 'users',
    ownerId: profile.userId,
    title: profile.displayName,
    body: bio ?? '',
    ...(shown('originCountry') ? { country: profile.originCountry } : {}),
    ...(shown('residenceCity') ? { city: profile.residenceCity } : {}),
    domains: shown('domains') ? profile.domains : [],
    tags: [],
    at: registeredAt ?? ('registeredAt' in profile ? profile.registeredAt : new Date(0).toISOString()),
    popularity: 0,
    audience: { kind: 'public' },
    view,
  };
}

export function viewerProfile(profile: Profile): ViewerProfile {
  return {
    userId: profile.userId,
    originCountry: profile.originCountry,
    residenceCountry: profile.residenceCountry,
    residenceCity: profile.residenceCity,
  };
}

/** An event's document; only published events are indexed (drafts and canceled ones leave). */
export function eventDocument(event: Static<typeof EventSnapshot>): SearchDocument | null {
  if (event.status !== 'published') return null;
  const location = event.lat !== undefined && event.lon !== undefined ? { lat: event.lat, lon: event.lon } : undefined;
  return {
    id: event.eventId,
    type: 'events',
    ownerId: event.organizerId,
    title: event.title,
    body: '',
    ...(event.languages[0] ? { language: event.languages[0] } : {}),
    ...(event.country ? { country: event.country } : {}),
    ...(event.city ? { city: event.city } : {}),
    domains: [event.domain],
    tags: [],
    at: event.startsAt,
    ...(location ? { location } : {}),
    popularity: event.registeredCount,
    audience: { kind: 'public' },
    view: {
      title: event.title,
      domain: event.domain,
      eventType: event.type,
      startsAt: event.startsAt,
      endsAt: event.endsAt,
      timezone: event.timezone,
      online: event.online,
      ...(event.country ? { country: event.country } : {}),
      ...(event.city ? { city: event.city } : {}),
      ...(location ?? {}),
      languages: event.languages,
      organizerId: event.organizerId,
      capacity: event.capacity,
      registeredCount: event.registeredCount,
      ...(event.priceCents !== undefined ? { priceCents: event.priceCents, currency: event.currency } : {}),
      ...(event.coverImageUrl ? { coverImageUrl: event.coverImageUrl } : {}),
    },
  };
}

/**
 * A post's document. Posts for connections only are not indexed (the service does not know who is connected to
 * whom); country and city posts are found only by members of that country or city.
 */
export function postDocument(post: Static<typeof PostSnapshot>, editedAt?: string): SearchDocument | null {
  if (post.visibility === 'connections') return null;
  let audience: SearchDocument['audience'] = { kind: 'public' };
  if (post.visibility === 'country' || post.visibility === 'city') {
    if (!post.residenceCountry || (post.visibility === 'city' && !post.residenceCity)) return null;
    audience =
      post.visibility === 'country'
        ? { kind: 'country', country: post.residenceCountry }
        : { kind: 'city', country: post.residenceCountry, city: post.residenceCity as string };
  }
  const tags = [...new Set(post.tags.map((tag) => fold(tag.replace(/^#/, ''))))];
  return {
    id: post.postId,
    type: 'posts',
    ownerId: post.authorId,
    title: post.text.split('\n', 1)[0]?.slice(0, 120) ?? '',
    body: post.text,
    language: post.language,
    ...(post.originCountry ? { country: post.originCountry } : {}),
    ...(post.residenceCity ? { city: post.residenceCity } : {}),
    domains: post.domain ? [post.domain] : [],
    tags,
    at: post.createdAt,
    popularity: 0,
    audience,
    view: {
      authorId: post.authorId,
      text: post.text,
      tags,
      language: post.language,
      visibility: post.visibility,
      createdAt: post.createdAt,
      ...(editedAt ? { editedAt } : {}),
      ...(post.sharedPostId ? { sharedPostId: post.sharedPostId } : {}),
    },
  };
}
