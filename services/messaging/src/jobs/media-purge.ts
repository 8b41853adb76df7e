import { every } from '@diaspora/service-kit';
import type { MediaService } from '../domain/media-service.js';

/** Hourly, in every instance: files of uploads no message took within a day (safe to run concurrently). */
export const mediaPurge = (media: MediaService) =>
  every('abandoned media purge', 3_600_000, () => media.purgeAbandoned());
