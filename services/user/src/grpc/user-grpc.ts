import type { userV1 } from '@diaspora/proto';
import { Problem, problems } from '@diaspora/service-kit';
import type { ProfileService } from '../domain/profile.js';

const MAX_BATCH = 100;

// The social graph arrives with the user-service issue (#4); until then these answer UNIMPLEMENTED, honestly.
const notYet = async (): Promise<never> => {
  throw new Problem(501, { detail: 'the social graph is not implemented yet' });
};

export function userGrpcHandlers(profiles: ProfileService): userV1.UserServiceHandlers {
  return {
    getRoles: async (request) => {
      const user = await profiles.publicProfile(request.userId);
      return { roles: user.roles, assignments: [], tier: user.tier };
    },
    isFollowing: notYet,
    listFollowerIds: notYet,
    listFollowingIds: notYet,
    listConnectionIds: notYet,
    getRelationship: notYet,
    async getUser(request) {
      if (!request.userId) throw problems.badRequest('user_id is required');
      return { user: await profiles.publicProfile(request.userId) };
    },
    async batchGetUsers(request) {
      if (request.userIds.length > MAX_BATCH) throw problems.badRequest(`at most ${MAX_BATCH} user ids per call`);
      return { users: await profiles.publicProfiles(request.userIds) };
    },
  };
}
