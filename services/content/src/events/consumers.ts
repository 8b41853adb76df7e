import {
  AdminContentRestored,
  AdminContentTakenDown,
  BlockCreated,
  BlockDeleted,
  ConnectionAccepted,
  ConnectionRemoved,
  EventCanceled,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
  EventPublished,
  EventUpdated,
  FollowCreated,
  FollowDeleted,
  PostPublished,
  UserProfileUpdated,
  UserRegistered,
} from '@diaspora/events';
import { type Database, type EventConsumer, idempotentConsumer, Problem } from '@diaspora/service-kit';
import type { ModerationService } from '../domain/moderation/service.js';
import type { ContentStore, Scope, UnitOfWork } from '../domain/ports.js';

/** A decision on content that was deleted or erased meanwhile has nothing left to apply to. */
async function ignoreGone(apply: () => Promise<unknown>): Promise<void> {
  try {
    await apply();
  } catch (error) {
    if (!(error instanceof Problem && error.status === 404)) throw error;
  }
}

/** Recent posts a new follower's timeline receives at once. */
const BACKFILL = 20;

export interface ConsumerDeps {
  db: Database;
  uow: UnitOfWork;
  store: ContentStore;
  moderation: ModerationService;
}

/**
 * What this service learns from others (and from itself: fan-out of its own published posts). Each consumer runs
 * in the transaction that records the event as processed, with the stores of that transaction's scope.
 */
export function contentConsumers(deps: ConsumerDeps): EventConsumer[] {
  const { db, uow, store, moderation } = deps;
  const community = uow.read.community;
  /** An idempotent consumer whose handler gets the scope of the transaction that records the event. */
  const consume = <D extends EventDefinition>(
    name: string,
    event: D,
    handle: (scope: Scope, data: EventData<D>, envelope: EventEnvelope<EventData<D>>) => Promise<void>,
  ) => idempotentConsumer(db, name, event, (tx, data, envelope) => handle(uow.scopeFor(tx), data, envelope));

  const backfill = async (scope: Scope, userId: string, authorId: string) => {
    const posts = await store.listPosts({ authorIds: [authorId] }, { limit: BACKFILL });
    await scope.timelines.backfill(
      userId,
      posts.map((post) => ({ postId: post.id, authorId })),
    );
  };
  /** Drops an author from a timeline unless the owner still follows or is connected to them. */
  const unlinkIfUnrelated = async (scope: Scope, userId: string, authorId: string) => {
    if (!(await scope.community.related(userId, authorId))) await scope.timelines.removeAuthor(userId, authorId);
  };

  /** Drops cached connections/blocks of both members once the change has committed. */
  const thenForget = (consumer: EventConsumer, members: (data: never) => string[]): EventConsumer => ({
    ...consumer,
    handle: async (envelope, delivery) => {
      await consumer.handle(envelope, delivery);
      community.invalidate(...members(envelope.data as never));
    },
  });

  return [
    consume('fan-out', PostPublished, async (scope, post) => {
      await scope.timelines.fanOut(post.postId, post.authorId);
    }),

    consume('members-registered', UserRegistered, (scope, user, envelope) =>
      scope.community.upsertMember({ ...user, languages: user.languages }, new Date(envelope.occurredAt)),
    ),
    consume('members-updated', UserProfileUpdated, (scope, user, envelope) =>
      scope.community.upsertMember(
        { ...user, ...(user.avatarUrl ? { avatarUrl: user.avatarUrl } : {}) },
        new Date(envelope.occurredAt),
      ),
    ),
    consume('follow-created', FollowCreated, async (scope, { followerId, followeeId }) => {
      await scope.community.follow(followerId, followeeId, true);
      await backfill(scope, followerId, followeeId);
    }),
    consume('follow-deleted', FollowDeleted, async (scope, { followerId, followeeId }) => {
      await scope.community.follow(followerId, followeeId, false);
      await unlinkIfUnrelated(scope, followerId, followeeId);
    }),
    thenForget(
      consume('connection-accepted', ConnectionAccepted, async (scope, { fromUserId, toUserId }) => {
        await scope.community.connect(fromUserId, toUserId, true);
        await backfill(scope, fromUserId, toUserId);
        await backfill(scope, toUserId, fromUserId);
      }),
      (data: { fromUserId: string; toUserId: string }) => [data.fromUserId, data.toUserId],
    ),
    thenForget(
      consume('connection-removed', ConnectionRemoved, async (scope, { userIds }) => {
        const [a, b] = userIds as [string, string];
        await scope.community.connect(a, b, false);
        await unlinkIfUnrelated(scope, a, b);
        await unlinkIfUnrelated(scope, b, a);
      }),
      (data: { userIds: string[] }) => data.userIds,
    ),
    thenForget(
      consume('block-created', BlockCreated, async (scope, { blockerId, blockedId }) => {
        await scope.community.block(blockerId, blockedId, true);
        await scope.timelines.removeAuthor(blockerId, blockedId);
        await scope.timelines.removeAuthor(blockedId, blockerId);
      }),
      (data: { blockerId: string; blockedId: string }) => [data.blockerId, data.blockedId],
    ),
    thenForget(
      consume('block-deleted', BlockDeleted, (scope, { blockerId, blockedId }) =>
        scope.community.block(blockerId, blockedId, false),
      ),
      (data: { blockerId: string; blockedId: string }) => [data.blockerId, data.blockedId],
    ),

    consume('event-published', EventPublished, (scope, card, envelope) =>
      scope.cards.apply(card, new Date(envelope.occurredAt)),
    ),
    consume('event-updated', EventUpdated, (scope, { changed: _changed, ...card }, envelope) =>
      scope.cards.apply(card, new Date(envelope.occurredAt)),
    ),
    consume('event-canceled', EventCanceled, (scope, { reason: _reason, ...card }, envelope) =>
      scope.cards.apply({ ...card, status: 'canceled' }, new Date(envelope.occurredAt)),
    ),

    // The admin service decided (it checked the moderator's role and scope): apply with full reach.
    consume('admin-taken-down', AdminContentTakenDown, (_scope, decision) =>
      ignoreGone(() =>
        moderation.takeDown(
          { userId: decision.moderatorId, roles: ['super'] },
          decision.targetType,
          decision.targetId,
          decision.reason,
        ),
      ),
    ),
    consume('admin-restored', AdminContentRestored, (_scope, decision) =>
      ignoreGone(() =>
        moderation.restore(
          { userId: decision.moderatorId, roles: ['super'] },
          decision.targetType,
          decision.targetId,
          decision.reason,
        ),
      ),
    ),
  ];
}
