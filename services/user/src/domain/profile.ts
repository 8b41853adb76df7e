import { UserProfileUpdated } from '@diaspora/events';
import { problems } from '@diaspora/service-kit';
import type { Scope, UnitOfWork } from './ports.js';
import {
  communityFields,
  type Discoverability,
  normalizeProfile,
  type Privacy,
  type ProfileChanges,
  type UserRecord,
} from './user.js';
import { ownView, type PublicView, publicView, type ViewerRelation } from './views.js';

/** Publishes users.profile.updated with the full community view after a change (privacy included). */
export async function publishProfileUpdated(scope: Scope, user: UserRecord, changed: string[]): Promise<void> {
  await scope.publish(UserProfileUpdated, {
    ...communityFields(user),
    ...(user.bio ? { bio: user.bio } : {}),
    ...(user.avatarUrl ? { avatarUrl: user.avatarUrl } : {}),
    changed,
    updatedAt: user.updatedAt.toISOString(),
  });
}

/** A profile change as members make it: visibility and discoverability settings both under `privacy`. */
type ProfileInput = Omit<ProfileChanges, 'privacy' | 'discoverability'> & {
  privacy?: Partial<Privacy & Discoverability>;
};

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

export class ProfileService {
  constructor(private readonly uow: UnitOfWork) {}

  async own(userId: string) {
    const found = await this.uow.read.users.findWithCounts(userId);
    if (!found) throw problems.notFound('user');
    return { ...ownView(found.user), counts: found.counts };
  }

  async update(userId: string, input: ProfileInput) {
    const { privacy, ...rest } = input;
    const { findableByEmail, findableByPhone, ...visibility } = privacy ?? {};
    const discoverability = definedOnly({ findableByEmail, findableByPhone });
    const { fields, errors } = normalizeProfile({
      ...rest,
      ...(privacy && Object.keys(visibility).length ? { privacy: visibility } : {}),
      ...(Object.keys(discoverability).length ? { discoverability } : {}),
    });
    if (errors.length) throw problems.validation(errors);
    const user = await this.uow.run(async (scope) => {
      const updated = await scope.users.updateProfile(userId, fields);
      if (!updated) throw problems.notFound('user');
      // Discoverability is set under `privacy` by the member, and named so in the event.
      const changed = Object.keys(fields).map((key) => (key === 'discoverability' ? 'privacy' : key));
      await publishProfileUpdated(scope, updated, [...new Set(changed)]);
      return updated;
    });
    return { ...ownView(user), counts: await this.uow.read.graph.counts(userId) };
  }

  /**
   * Another member's profile as `viewerId` may see it, with counts and how the two relate. Members who block
   * each other are hidden from each other: 404, as for an unknown id.
   */
  async profileFor(viewerId: string, userId: string) {
    const user = await this.uow.read.users.findById(userId);
    if (!user) throw problems.notFound('user');
    if (viewerId === userId) return { ...publicView(user, 'self'), counts: await this.uow.read.graph.counts(userId) };
    const relationship = await this.uow.read.graph.relationship(viewerId, userId);
    if (relationship.blocking || relationship.blockedBy) throw problems.notFound('user');
    const { pendingRequest, ...flags } = relationship;
    return {
      ...publicView(user, relationship.connected ? 'connection' : 'other'),
      counts: await this.uow.read.graph.counts(userId),
      relationship: {
        ...flags,
        ...(pendingRequest
          ? {
              pendingRequest: {
                id: pendingRequest.id,
                direction: pendingRequest.fromUserId === viewerId ? ('outgoing' as const) : ('incoming' as const),
              },
            }
          : {}),
      },
    };
  }

  /** A single privacy-aware view for an internal caller; an empty viewer is anonymous. */
  async viewFor(viewerId: string | null, userId: string): Promise<PublicView> {
    const [view] = await this.viewsFor(viewerId, [userId]);
    if (!view) throw problems.notFound('user');
    return view;
  }

  /**
   * Privacy-aware views of many users, in the order asked, unknown ids (and repeats) left out. With
   * `hideBlocked`, members who block the viewer or are blocked by them are left out too (HTTP lists).
   */
  async viewsFor(viewerId: string | null, ids: string[], options: { hideBlocked?: boolean } = {}) {
    const unique = [...new Set(ids)];
    const others = unique.filter((id) => id !== viewerId);
    const [users, connected, blocked] = await Promise.all([
      this.uow.read.users.findManyByIds(unique),
      viewerId ? this.uow.read.graph.connectedAmong(viewerId, others) : Promise.resolve(new Set<string>()),
      viewerId && options.hideBlocked
        ? this.uow.read.graph.blockedAmong(viewerId, others)
        : Promise.resolve(new Set<string>()),
    ]);
    const byId = new Map(users.map((user) => [user.id, user]));
    return unique.flatMap((id) => {
      const user = byId.get(id);
      if (!user || blocked.has(id)) return [];
      const relation: ViewerRelation = id === viewerId ? 'self' : connected.has(id) ? 'connection' : 'other';
      return [publicView(user, relation)];
    });
  }
}
