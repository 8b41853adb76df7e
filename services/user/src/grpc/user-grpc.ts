import type { userV1 } from '@diaspora/proto';
import { problems } from '@diaspora/service-kit';
import type { ProfileService } from '../domain/profile.js';

const MAX_BATCH = 100;

export function userGrpcHandlers(profiles: ProfileService): userV1.UserServiceHandlers {
  return {
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
