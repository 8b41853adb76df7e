import type { commonV1 } from '@diaspora/proto';
import { problems } from '@diaspora/service-kit';
import type { GdprService } from '../domain/gdpr.js';

/** This service's part of a member's GDPR archive, over the contract every personal-data service serves. */
export function userDataGrpcHandlers(gdpr: GdprService): commonV1.UserDataHandlers {
  return {
    async exportUserData(request) {
      if (!request.userId) throw problems.badRequest('user_id is required');
      const data = await gdpr.ownData(request.userId);
      return { service: 'user', json: JSON.stringify(data ?? {}) };
    },
  };
}
