import type { EventData, EventDefinition } from '@diaspora/events';
import type { UnitOfWork } from './ports.js';
import type { EventChange, ReadCache } from './read-cache.js';

/** The change a published domain event describes, for the read cache, or null when it changes no read. */
export function changeOf(subject: string, data: unknown): EventChange | null {
  if (!subject.startsWith('events.event.') && !subject.startsWith('events.registration.')) return null;
  const { eventId, country, parentEventId, changed } = data as EventChange;
  return {
    eventId,
    ...(country ? { country } : {}),
    ...(parentEventId ? { parentEventId } : {}),
    ...(changed ? { changed } : {}),
  };
}

/**
 * The unit of work whose `run` forgets the cached reads its published events made out of date, once its
 * transaction committed: the member who wrote reads their change at once (read-your-writes), without waiting
 * for the domain events to come back through the bus.
 */
export function invalidatingUnitOfWork(uow: UnitOfWork, readCache: ReadCache): UnitOfWork {
  return {
    read: uow.read,
    scopeFor: uow.scopeFor,
    async run(work) {
      const changes: EventChange[] = [];
      const result = await uow.run((scope) =>
        work({
          ...scope,
          publish: async <D extends EventDefinition>(definition: D, data: EventData<D>) => {
            await scope.publish(definition, data);
            const change = changeOf(definition.subject, data);
            if (change) changes.push(change);
          },
        }),
      );
      await Promise.all(changes.map((change) => readCache.invalidate(change)));
      return result;
    },
  };
}
