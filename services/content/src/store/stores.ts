import type { Queryable } from '@diaspora/service-kit';
import type { Stores } from '../domain/ports.js';
import { GraphCache, PgCommunityStore } from './community.js';
import { PgEventCardStore } from './event-cards.js';
import { PgMediaUploadStore } from './media-uploads.js';
import { PgTimelineStore, type TimelineSettings, TrimSchedule } from './timelines.js';

/**
 * The stores function of content's unit of work (the PostgreSQL side: read models, timelines, uploads). What must
 * outlive one transaction — the viewers' graph cache, the trimming schedule — is made once here and shared.
 */
export function contentStores(settings: { timelines: TimelineSettings; graphCacheMs: number }) {
  const graphs = new GraphCache(settings.graphCacheMs);
  const trims = new TrimSchedule();
  return (q: Queryable): Stores => ({
    community: new PgCommunityStore(q, graphs),
    timelines: new PgTimelineStore(q, settings.timelines, trims),
    cards: new PgEventCardStore(q),
    media: new PgMediaUploadStore(q),
  });
}
