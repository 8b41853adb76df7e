import { type CursorCodec, cursorBinding, problems } from '@diaspora/service-kit';
import type { IdPage } from './graph-ports.js';
import { idPage } from './paging.js';
import type { UnitOfWork } from './ports.js';
import type { ProfileService } from './profile.js';
import { requestView } from './social.js';
import type { MessagePolicy } from './user.js';

export type RelatedKind = 'followers' | 'following' | 'connections';

/** Whether the target's "who may message me" setting admits the viewer (blocks are checked separately). */
export function policyAdmits(policy: MessagePolicy, relation: { following: boolean; connected: boolean }): boolean {
  switch (policy) {
    case 'everyone':
      return true;
    case 'followers':
      return relation.following || relation.connected;
    case 'connections':
      return relation.connected;
    case 'nobody':
      return false;
  }
}

/** Reads of the social graph: paged id lists for services, privacy-aware member lists for people. */
export class SocialQueries {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly profiles: ProfileService,
    private readonly cursors: CursorCodec,
  ) {}

  private fetcher(kind: RelatedKind, userId: string) {
    const graph = this.uow.read.graph;
    const byKind = {
      followers: (p: IdPage) => graph.followerIds(userId, p),
      following: (p: IdPage) => graph.followingIds(userId, p),
      connections: (p: IdPage) => graph.connectionIds(userId, p),
    };
    return (after: string | null, limit: number) => byKind[kind]({ after, limit });
  }

  private async mustExist(userId: string): Promise<void> {
    if (!(await this.uow.read.users.findById(userId))) throw problems.notFound('user');
  }

  /** One page of related ids in ascending id order; the token continues strictly after the last id. */
  async relatedIds(kind: RelatedKind, userId: string, pageSize: number, pageToken: string | undefined) {
    await this.mustExist(userId);
    const binding = cursorBinding(`related-ids:${kind}`, userId);
    const fetch = this.fetcher(kind, userId);
    const { items, nextCursor } = await idPage(this.cursors, binding, pageToken, pageSize, fetch, (id) => id);
    return { userIds: items, nextPageToken: nextCursor ?? '' };
  }

  async isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    if (followerId === followeeId) return false;
    return (await this.uow.read.graph.relationship(followerId, followeeId)).following;
  }

  /** How viewer and target relate, and whether the viewer may start a conversation with the target. */
  async relationship(viewerId: string, targetId: string) {
    const target = await this.uow.read.users.findById(targetId);
    if (!target || !(await this.uow.read.users.findById(viewerId))) throw problems.notFound('user');
    if (viewerId === targetId) {
      return {
        following: false,
        followedBy: false,
        connected: false,
        blocking: false,
        blockedBy: false,
        canMessage: false,
      };
    }
    const { pendingRequest: _pending, ...relation } = await this.uow.read.graph.relationship(viewerId, targetId);
    const canMessage = !relation.blocking && !relation.blockedBy && policyAdmits(target.whoCanMessage, relation);
    return { ...relation, canMessage };
  }

  /**
   * Members related to `userId`, as `viewerId` may see them. Someone who blocks the viewer (or whom the viewer
   * blocks) is hidden from them, list owner included.
   */
  async members(viewerId: string, kind: RelatedKind, userId: string, limit: number, cursor: string | undefined) {
    await this.mustExist(userId);
    if (viewerId !== userId) {
      const relation = await this.uow.read.graph.relationship(viewerId, userId);
      if (relation.blocking || relation.blockedBy) throw problems.notFound('user');
    }
    const binding = cursorBinding(kind, viewerId, { userId });
    const fetch = this.fetcher(kind, userId);
    const { items, nextCursor } = await idPage(this.cursors, binding, cursor, limit, fetch, (id) => id);
    return { items: await this.profiles.viewsFor(viewerId, items, { hideBlocked: true }), nextCursor };
  }

  async requests(userId: string, direction: 'incoming' | 'outgoing', limit: number, cursor: string | undefined) {
    const fetch = (after: string | null, size: number) =>
      this.uow.read.graph.pendingRequests(userId, direction, { after, limit: size });
    const binding = cursorBinding('connection-requests', userId, { direction });
    const { items, nextCursor } = await idPage(this.cursors, binding, cursor, limit, fetch, (request) => request.id);
    const otherIds = items.map((request) => (direction === 'incoming' ? request.fromUserId : request.toUserId));
    const views = new Map((await this.profiles.viewsFor(userId, otherIds)).map((view) => [view.id, view]));
    return {
      items: items.flatMap((request) => {
        const user = views.get(direction === 'incoming' ? request.fromUserId : request.toUserId);
        return user ? [{ ...requestView(request), user }] : [];
      }),
      nextCursor,
    };
  }

  async blocked(userId: string, limit: number, cursor: string | undefined) {
    const fetch = (after: string | null, size: number) =>
      this.uow.read.graph.blockedIds(userId, { after, limit: size });
    const binding = cursorBinding('blocked', userId);
    const { items, nextCursor } = await idPage(this.cursors, binding, cursor, limit, fetch, (id) => id);
    return { items: await this.profiles.viewsFor(userId, items), nextCursor };
  }
}
