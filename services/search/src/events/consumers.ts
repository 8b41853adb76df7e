import {
  BlockCreated,
  BlockDeleted,
  ContentFlagged,
  ContentHeld,
  ContentRestored,
  ContentTakenDown,
  EventCanceled,
  EventPublished,
  EventUpdated,
  PostDeleted,
  PostPublished,
  PostUpdated,
  UserProfileUpdated,
  UserRegistered,
} from '@diaspora/events';
import { consumer, type EventConsumer } from '@diaspora/service-kit';
import { eventDocument, postDocument, userDocument, viewerProfile } from '../domain/documents.js';
import type { Indexer } from '../domain/indexer.js';

/**
 * The documents come from other services' events only. Each write is versioned by the event's time, so
 * redelivered or out-of-order events never overwrite newer state (idempotent without a dedup table, which would
 * also refuse the retry after an engine write failed). users.user.deleted is the kit's (`userData` erases).
 */
export function searchConsumers(indexer: Indexer): EventConsumer[] {
  const at = (envelope: { occurredAt: string }) => new Date(envelope.occurredAt);
  return [
    consumer('index-user-registered', UserRegistered, (data, envelope) =>
      indexer.member(userDocument(data), viewerProfile(data), at(envelope)),
    ),
    consumer('index-profile-updated', UserProfileUpdated, (data, envelope) =>
      indexer.member(userDocument(data), viewerProfile(data), at(envelope)),
    ),
    consumer('index-event-published', EventPublished, (data, envelope) =>
      indexer.write(data.eventId, 'events', data.organizerId, eventDocument(data), at(envelope)),
    ),
    consumer('index-event-updated', EventUpdated, (data, envelope) =>
      indexer.write(data.eventId, 'events', data.organizerId, eventDocument(data), at(envelope)),
    ),
    consumer('index-event-canceled', EventCanceled, (data, envelope) =>
      indexer.write(data.eventId, 'events', data.organizerId, null, at(envelope)),
    ),
    consumer('index-post-published', PostPublished, async (data, envelope) => {
      await indexer.write(data.postId, 'posts', data.authorId, postDocument(data), at(envelope));
      // Published again after being held means a moderator released it.
      await indexer.moderate(data.postId, data.authorId, false, at(envelope));
    }),
    consumer('index-post-updated', PostUpdated, (data, envelope) =>
      indexer.write(data.postId, 'posts', data.authorId, postDocument(data, data.editedAt), at(envelope)),
    ),
    consumer('index-post-deleted', PostDeleted, (data, envelope) =>
      indexer.write(data.postId, 'posts', data.authorId, null, at(envelope)),
    ),
    consumer('index-post-held', ContentHeld, async (data, envelope) => {
      if (data.targetType === 'post') await indexer.moderate(data.postId, data.authorId, true, at(envelope));
    }),
    consumer('index-post-flagged', ContentFlagged, async (data, envelope) => {
      // Flagged by the filter but still published stays; hidden pending review by reports leaves.
      if (data.targetType === 'post' && data.hidden)
        await indexer.moderate(data.postId, data.authorId, true, at(envelope));
    }),
    consumer('index-post-taken-down', ContentTakenDown, async (data, envelope) => {
      if (data.targetType === 'post') await indexer.moderate(data.postId, data.authorId, true, at(envelope));
    }),
    consumer('index-post-restored', ContentRestored, async (data, envelope) => {
      if (data.targetType === 'post') await indexer.moderate(data.postId, data.authorId, false, at(envelope));
    }),
    consumer('block-created', BlockCreated, (data, envelope) =>
      indexer.block(data.blockerId, data.blockedId, true, at(envelope)),
    ),
    consumer('block-deleted', BlockDeleted, (data, envelope) =>
      indexer.block(data.blockerId, data.blockedId, false, at(envelope)),
    ),
  ];
}
