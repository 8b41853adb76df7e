import type { userV1 } from '@diaspora/proto';
import type { Standing } from '../domain/invitations.js';

const GRPC_NOT_FOUND = 5;

/** How `userId` stands towards `otherId`, from the user service's GetRelationship (a block either way counts). */
export function relationshipStanding(client: userV1.UserServiceClient) {
  return async (userId: string, otherId: string): Promise<Standing> => {
    try {
      const relation = await client.getRelationship({ viewerId: userId, targetId: otherId });
      return relation.blocking || relation.blockedBy ? 'blocked' : 'ok';
    } catch (error) {
      if ((error as { code?: number }).code === GRPC_NOT_FOUND) return 'unknown';
      throw error;
    }
  };
}
