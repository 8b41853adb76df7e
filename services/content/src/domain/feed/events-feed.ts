import { type CursorCodec, cursorBinding } from '@diaspora/service-kit';
import { cityKey, type Viewer } from '../model.js';
import type { EventCard, EventPosition, EventQuery } from '../ports.js';
import { boundingBox, distanceKm, type Near } from './geo.js';

export interface EventFilters {
  country?: string;
  city?: string;
  near?: Near;
  language?: string;
  domain?: string;
}

const RELEVANCE = ['your_city', 'origin_country', 'online', 'elsewhere'] as const;

export interface EventFeedItem {
  type: 'event';
  /** Why it is here: in your city, in your country of origin, online, or elsewhere. */
  relevance: (typeof RELEVANCE)[number];
  /** Filling up: at least half the seats taken. */
  popular: boolean;
  event: EventCard;
}

const isPosition = (value: unknown): value is EventPosition =>
  Array.isArray(value) &&
  value.length === 3 &&
  Number.isInteger(value[0]) &&
  value[0] >= 0 &&
  value[0] <= 3 &&
  typeof value[1] === 'string' &&
  !Number.isNaN(Date.parse(value[1])) &&
  typeof value[2] === 'string' &&
  value[2].length <= 64;

/**
 * The events section: upcoming published events from the local read model, the viewer's residence city first,
 * then their origin country, then online ones, then the rest — soonest first within each — with popular
 * (filling) events marked. Keyset pages on (relevance, start, id), which do not change while a member scrolls.
 */
export class EventsFeed {
  constructor(
    private readonly deps: {
      cards: { page(query: EventQuery): Promise<{ card: EventCard; position: EventPosition }[]> };
      cursors: CursorCodec;
    },
  ) {}

  async page(viewer: Viewer, filters: EventFilters, cursor: string | undefined, limit: number) {
    const binding = cursorBinding('events', viewer.id, { ...filters });
    const after = cursor ? this.deps.cursors.decode(cursor, binding, isPosition) : undefined;
    const rows = await this.deps.cards.page({
      viewer: {
        ...(viewer.originCountry ? { originCountry: viewer.originCountry } : {}),
        ...(viewer.residenceCountry ? { residenceCountry: viewer.residenceCountry } : {}),
        ...(cityKey(viewer.residenceCity) ? { cityKey: cityKey(viewer.residenceCity)! } : {}),
      },
      ...(filters.country ? { country: filters.country } : {}),
      ...(cityKey(filters.city) ? { cityKey: cityKey(filters.city)! } : {}),
      ...(filters.domain ? { domain: filters.domain } : {}),
      ...(filters.language ? { language: filters.language } : {}),
      ...(filters.near ? { bbox: boundingBox(filters.near) } : {}),
      ...(after ? { after } : {}),
      limit: limit + 1,
      now: new Date(),
    });
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const near = filters.near;
    const items: EventFeedItem[] = page
      .filter(({ card }) =>
        near
          ? card.lat !== undefined &&
            card.lon !== undefined &&
            distanceKm({ lat: card.lat, lon: card.lon }, near) <= near.radiusKm
          : true,
      )
      .map(({ card, position }) => ({
        type: 'event',
        relevance: RELEVANCE[position[0]]!,
        popular: card.capacity > 0 && card.registeredCount * 2 >= card.capacity,
        event: card,
      }));
    return { items, nextCursor: more ? this.deps.cursors.encode(binding, page.at(-1)!.position) : null };
  }
}
