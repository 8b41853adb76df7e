import {
  BlockCreated,
  BlockDeleted,
  ConnectionAccepted,
  ConnectionCanceled,
  ConnectionDeclined,
  ConnectionRemoved,
  ConnectionRequested,
  FollowCreated,
  FollowDeleted,
} from '@diaspora/events';
import { newId, Problem, problems } from '@diaspora/service-kit';
import type { ConnectionRequest } from './graph-ports.js';
import type { Scope, UnitOfWork } from './ports.js';

const now = () => new Date().toISOString();

const requestEvent = (request: ConnectionRequest) => ({
  requestId: request.id,
  fromUserId: request.fromUserId,
  toUserId: request.toUserId,
  at: now(),
});

export function requestView(request: ConnectionRequest) {
  return {
    id: request.id,
    fromUserId: request.fromUserId,
    toUserId: request.toUserId,
    status: request.status,
    createdAt: request.createdAt.toISOString(),
    ...(request.decidedAt ? { decidedAt: request.decidedAt.toISOString() } : {}),
  };
}

const yourself = (what: string) => problems.badRequest(`You cannot ${what} yourself.`, 'self-relation');
const blockedBetween = () =>
  new Problem(403, { type: 'blocked', detail: 'One of you blocked the other; this is not possible.' });

/** Follows, connection requests and blocks. Every change publishes its users.* event in the same transaction. */
export class SocialService {
  constructor(private readonly uow: UnitOfWork) {}

  /** Runs `work` with both members locked against concurrent graph changes; 404 when the target is unknown. */
  private between<T>(actorId: string, targetId: string, work: (scope: Scope) => Promise<T>): Promise<T> {
    return this.uow.run(async (scope) => {
      await scope.graph.lockPair(actorId, targetId);
      if (!(await scope.users.findById(targetId))) throw problems.notFound('user');
      return work(scope);
    });
  }

  /** Idempotent: following twice leaves one follow and one event. */
  async follow(followerId: string, followeeId: string): Promise<void> {
    if (followerId === followeeId) throw yourself('follow');
    await this.between(followerId, followeeId, async (scope) => {
      const relation = await scope.graph.relationship(followerId, followeeId);
      if (relation.blocking || relation.blockedBy) throw blockedBetween();
      if (await scope.graph.follow(followerId, followeeId)) {
        await scope.publish(FollowCreated, { followerId, followeeId, at: now() });
      }
    });
  }

  async unfollow(followerId: string, followeeId: string): Promise<void> {
    if (followerId === followeeId) throw yourself('unfollow');
    await this.between(followerId, followeeId, async (scope) => {
      if (await scope.graph.unfollow(followerId, followeeId)) {
        await scope.publish(FollowDeleted, { followerId, followeeId, at: now() });
      }
    });
  }

  /**
   * Sends a connection request. Asking again returns the pending request; asking someone who already asked you
   * accepts theirs. `created` tells whether a new request was written.
   */
  async requestConnection(fromUserId: string, toUserId: string) {
    if (fromUserId === toUserId) throw yourself('connect with');
    return this.between(fromUserId, toUserId, async (scope) => {
      const relation = await scope.graph.relationship(fromUserId, toUserId);
      if (relation.blocking || relation.blockedBy) throw blockedBetween();
      if (relation.connected) throw problems.conflict('You are already connected.', 'already-connected');
      const pending = relation.pendingRequest;
      if (pending?.fromUserId === fromUserId) return { created: false, request: requestView(pending) };
      if (pending) return { created: false, request: requestView(await this.accept(scope, pending)) };
      const request = await scope.graph.insertRequest({ id: newId('cnr'), fromUserId, toUserId });
      await scope.publish(ConnectionRequested, requestEvent(request));
      return { created: true, request: requestView(request) };
    });
  }

  private async accept(scope: Scope, request: ConnectionRequest): Promise<ConnectionRequest> {
    const accepted = await scope.graph.decideRequest(request.id, 'accepted');
    await scope.graph.connect(request.fromUserId, request.toUserId, request.id);
    await scope.publish(ConnectionAccepted, requestEvent(accepted));
    return accepted;
  }

  /**
   * Accept, decline (the asked member) or cancel (the sender) a pending request. A request the caller is not a
   * party to does not exist for them (404); the wrong party gets 403; a decided request 409.
   */
  async decide(userId: string, requestId: string, decision: 'accept' | 'decline' | 'cancel') {
    const found = await this.uow.read.graph.findRequest(requestId);
    if (!found || (found.fromUserId !== userId && found.toUserId !== userId)) {
      throw problems.notFound('connection request');
    }
    const mustBe = decision === 'cancel' ? found.fromUserId : found.toUserId;
    if (mustBe !== userId) {
      throw problems.forbidden(
        decision === 'cancel'
          ? 'Only the sender can cancel a connection request.'
          : `Only the member who was asked can ${decision} a connection request.`,
      );
    }
    return this.uow.run(async (scope) => {
      await scope.graph.lockPair(found.fromUserId, found.toUserId);
      const request = await scope.graph.findRequest(requestId);
      if (request?.status !== 'pending') {
        throw problems.conflict(`This connection request is already ${request?.status}.`, 'request-decided');
      }
      if (decision === 'accept') return requestView(await this.accept(scope, request));
      const decided = await scope.graph.decideRequest(request.id, decision === 'decline' ? 'declined' : 'canceled');
      await scope.publish(decision === 'decline' ? ConnectionDeclined : ConnectionCanceled, requestEvent(decided));
      return requestView(decided);
    });
  }

  /** Ends a connection; idempotent. */
  async removeConnection(userId: string, otherId: string): Promise<void> {
    if (userId === otherId) throw yourself('disconnect from');
    await this.between(userId, otherId, async (scope) => {
      if (await scope.graph.disconnect(userId, otherId)) {
        await scope.publish(ConnectionRemoved, { userIds: [userId, otherId], at: now() });
      }
    });
  }

  /** Blocking also ends follows both ways, the connection and any pending request, each with its event. */
  async block(blockerId: string, blockedId: string): Promise<void> {
    if (blockerId === blockedId) throw yourself('block');
    await this.between(blockerId, blockedId, async (scope) => {
      if (!(await scope.graph.block(blockerId, blockedId))) return;
      const at = now();
      const relation = await scope.graph.relationship(blockerId, blockedId);
      for (const [followerId, followeeId, was] of [
        [blockerId, blockedId, relation.following],
        [blockedId, blockerId, relation.followedBy],
      ] as const) {
        if (was && (await scope.graph.unfollow(followerId, followeeId))) {
          await scope.publish(FollowDeleted, { followerId, followeeId, at });
        }
      }
      if (await scope.graph.disconnect(blockerId, blockedId)) {
        await scope.publish(ConnectionRemoved, { userIds: [blockerId, blockedId], at });
      }
      if (relation.pendingRequest) {
        const canceled = await scope.graph.decideRequest(relation.pendingRequest.id, 'canceled');
        await scope.publish(ConnectionCanceled, requestEvent(canceled));
      }
      await scope.publish(BlockCreated, { blockerId, blockedId, at });
    });
  }

  async unblock(blockerId: string, blockedId: string): Promise<void> {
    if (blockerId === blockedId) throw yourself('unblock');
    await this.between(blockerId, blockedId, async (scope) => {
      if (await scope.graph.unblock(blockerId, blockedId)) {
        await scope.publish(BlockDeleted, { blockerId, blockedId, at: now() });
      }
    });
  }
}
