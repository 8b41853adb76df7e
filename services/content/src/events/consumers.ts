import {
  AdminContentRestored,
  AdminContentTakenDown,
  BlockCreated,
  BlockDeleted,
  ConnectionAccepted,
  ConnectionRemoved,
  EventCanceled,
  EventPublished,
  EventUpdated,
  FollowCreated,
  FollowDeleted,
  PostPublished,
  UserDeleted,
  UserProfileUpdated,
  UserRegistered,
} from '@diaspora/events';
import { type Database, type EventConsumer, idempotentConsumer, Problem, type Queryable } from '@diaspora/service-kit';
import type { ModerationService } from '../domain/moderation/service.js';
import type { ContentStore } from '../domain/ports.js';
import type { UserDataService } from '../domain/user-data.js';
import type { CommunityStore } from '../store/community.js';
import type { EventCardStore } from '../store/event-cards.js';
import type { TimelineStore } from '../store/timelines.js';

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
  store: ContentStore;
  community: CommunityStore;
  timelines: TimelineStore;
  cards: EventCardStore;
  moderation: ModerationService;
  userData: UserDataService;
}

/** What this service learns from others (and from itself: fan-out of its own published posts). */
export function contentConsumers(deps: ConsumerDeps): EventConsumer[] {
  const { db, store, community, timelines, cards, moderation, userData } = deps;

  const backfill = async (tx: Queryable, userId: string, authorId: string) => {
    const posts = await store.listPosts({ authorIds: [authorId] }, { limit: BACKFILL });
    await timelines.backfill(
      tx,
      userId,
      posts.map((post) => ({ postId: post.id, authorId })),
    );
  };
  /** Drops an author from a timeline unless the owner still follows or is connected to them. */
  const unlinkIfUnrelated = async (tx: Queryable, userId: string, authorId: string) => {
    const { rowCount } = await tx.query(
      `SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2
       UNION ALL SELECT 1 FROM connections WHERE user_id = $1 AND other_id = $2`,
      [userId, authorId],
    );
    if (!rowCount) await timelines.removeAuthor(tx, userId, authorId);
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
    idempotentConsumer(db, 'fan-out', PostPublished, async (tx, post) => {
      await timelines.fanOut(tx, post.postId, post.authorId);
    }),

    idempotentConsumer(db, 'members-registered', UserRegistered, (tx, user, envelope) =>
      community.upsertMember(tx, { ...user, languages: user.languages }, new Date(envelope.occurredAt)),
    ),
    idempotentConsumer(db, 'members-updated', UserProfileUpdated, (tx, user, envelope) =>
      community.upsertMember(
        tx,
        { ...user, ...(user.avatarUrl ? { avatarUrl: user.avatarUrl } : {}) },
        new Date(envelope.occurredAt),
      ),
    ),
    idempotentConsumer(db, 'erase-member', UserDeleted, async (tx, { userId }) => {
      await userData.erase(userId);
      await community.forget(tx, userId);
      await timelines.forget(tx, userId);
    }),

    idempotentConsumer(db, 'follow-created', FollowCreated, async (tx, { followerId, followeeId }) => {
      await community.follow(tx, followerId, followeeId, true);
      await backfill(tx, followerId, followeeId);
    }),
    idempotentConsumer(db, 'follow-deleted', FollowDeleted, async (tx, { followerId, followeeId }) => {
      await community.follow(tx, followerId, followeeId, false);
      await unlinkIfUnrelated(tx, followerId, followeeId);
    }),
    thenForget(
      idempotentConsumer(db, 'connection-accepted', ConnectionAccepted, async (tx, { fromUserId, toUserId }) => {
        await community.connect(tx, fromUserId, toUserId, true);
        await backfill(tx, fromUserId, toUserId);
        await backfill(tx, toUserId, fromUserId);
      }),
      (data: { fromUserId: string; toUserId: string }) => [data.fromUserId, data.toUserId],
    ),
    thenForget(
      idempotentConsumer(db, 'connection-removed', ConnectionRemoved, async (tx, { userIds }) => {
        const [a, b] = userIds as [string, string];
        await community.connect(tx, a, b, false);
        await unlinkIfUnrelated(tx, a, b);
        await unlinkIfUnrelated(tx, b, a);
      }),
      (data: { userIds: string[] }) => data.userIds,
    ),
    thenForget(
      idempotentConsumer(db, 'block-created', BlockCreated, async (tx, { blockerId, blockedId }) => {
        await community.block(tx, blockerId, blockedId, true);
        await timelines.removeAuthor(tx, blockerId, blockedId);
        await timelines.removeAuthor(tx, blockedId, blockerId);
      }),
      (data: { blockerId: string; blockedId: string }) => [data.blockerId, data.blockedId],
    ),
    thenForget(
      idempotentConsumer(db, 'block-deleted', BlockDeleted, (tx, { blockerId, blockedId }) =>
        community.block(tx, blockerId, blockedId, false),
      ),
      (data: { blockerId: string; blockedId: string }) => [data.blockerId, data.blockedId],
    ),

    idempotentConsumer(db, 'event-published', EventPublished, (tx, card, envelope) =>
      cards.apply(tx, card, new Date(envelope.occurredAt)),
    ),
    idempotentConsumer(db, 'event-updated', EventUpdated, (tx, { changed: _changed, ...card }, envelope) =>
      cards.apply(tx, card, new Date(envelope.occurredAt)),
    ),
    idempotentConsumer(db, 'event-canceled', EventCanceled, (tx, { reason: _reason, ...card }, envelope) =>
      cards.apply(tx, { ...card, status: 'canceled' }, new Date(envelope.occurredAt)),
    ),

    // The admin service decided (it checked the moderator's role and scope): apply with full reach.
    idempotentConsumer(db, 'admin-taken-down', AdminContentTakenDown, (_tx, decision) =>
      ignoreGone(() =>
        moderation.takeDown(
          { userId: decision.moderatorId, roles: ['super'] },
          decision.targetType,
          decision.targetId,
          decision.reason,
        ),
      ),
    ),
    idempotentConsumer(db, 'admin-restored', AdminContentRestored, (_tx, decision) =>
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
