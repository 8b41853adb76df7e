import {
  EventCanceled,
  EventPublished,
  EventUpdated,
  RegistrationCanceled,
  RegistrationCreated,
  RegistrationPromoted,
} from '@diaspora/events';
import { consumer, type EventConsumer } from '@diaspora/service-kit';
import { changeOf } from '../domain/invalidating-uow.js';
import type { ReadCache } from '../domain/read-cache.js';

/**
 * This service's own domain events invalidate its cached reads: the changes committed in a consumer's
 * transaction (a payment confirming a seat, an erasure canceling events) and, for the others, a second
 * invalidation after the one their write path made.
 */
export function readCacheConsumers(readCache: ReadCache): EventConsumer[] {
  return [
    EventPublished,
    EventUpdated,
    EventCanceled,
    RegistrationCreated,
    RegistrationPromoted,
    RegistrationCanceled,
  ].map((definition) =>
    consumer(`read-cache-${definition.subject.split('.').slice(1).join('-')}`, definition, async (data) => {
      const change = changeOf(definition.subject, data);
      if (change) await readCache.invalidate(change);
    }),
  );
}
