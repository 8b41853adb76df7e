import type { userV1 } from '@diaspora/proto';
import type { MemberTiers } from '../domain/two-way-sync.js';

/** The member's tier now, from the user service (a token's tier may be stale). */
export class GrpcMemberTiers implements MemberTiers {
  constructor(private readonly client: userV1.UserServiceClient | undefined) {}

  async tierOf(userId: string) {
    if (!this.client) return undefined;
    try {
      const { tier } = await this.client.getRoles({ userId });
      return tier === 'premium' ? ('premium' as const) : ('free' as const);
    } catch (error) {
      if ((error as { code?: number }).code === 5) return undefined;
      throw error;
    }
  }
}
