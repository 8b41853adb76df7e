import { UserProfileUpdated } from '@diaspora/events';
import { problems } from '@diaspora/service-kit';
import type { UnitOfWork } from './ports.js';
import { communityFields, normalizeProfile, ownView, type ProfileChanges, publicView } from './user.js';

export class ProfileService {
  constructor(private readonly uow: UnitOfWork) {}

  async own(userId: string) {
    const user = await this.uow.users.findById(userId);
    if (!user) throw problems.notFound('user');
    return ownView(user);
  }

  async update(userId: string, input: ProfileChanges) {
    const { fields, errors } = normalizeProfile(input);
    if (errors.length) throw problems.validation(errors);
    return this.uow.run(async (scope) => {
      const user = await scope.users.updateProfile(userId, fields);
      if (!user) throw problems.notFound('user');
      await scope.events.publish(UserProfileUpdated, {
        ...communityFields(user),
        ...(user.bio ? { bio: user.bio } : {}),
        ...(user.avatarUrl ? { avatarUrl: user.avatarUrl } : {}),
        changed: Object.keys(fields),
        updatedAt: user.updatedAt.toISOString(),
      });
      return ownView(user);
    });
  }

  async publicProfile(userId: string) {
    const user = await this.uow.users.findById(userId);
    if (!user) throw problems.notFound('user');
    return publicView(user);
  }

  /** Public views of many users at once, in the order asked, unknown ids left out. */
  async publicProfiles(userIds: string[]) {
    const users = await this.uow.users.findManyByIds([...new Set(userIds)]);
    const byId = new Map(users.map((user) => [user.id, user]));
    return [...new Set(userIds)].flatMap((id) => {
      const user = byId.get(id);
      return user ? [publicView(user)] : [];
    });
  }
}
