import type { userV1 } from '@diaspora/proto';
import { problems } from '@diaspora/service-kit';
import type { ContactMatch, ContactMatcher } from '../domain/ports.js';

/** Contact matching by the user service (MatchContactHashes), which holds the hashed contact columns. */
export class UserContactMatcher implements ContactMatcher {
  constructor(private readonly client: userV1.UserServiceClient | undefined) {}

  async match(viewerId: string, emailHashes: string[], phoneHashes: string[]): Promise<ContactMatch[]> {
    if (!this.client) throw problems.unavailable('Contact discovery is not configured (USER_GRPC_ADDR).');
    const { matches } = await this.client.matchContactHashes({ viewerId, emailHashes, phoneHashes });
    return matches.map((match) => ({
      userId: match.userId,
      displayName: match.displayName,
      ...(match.avatarUrl ? { avatarUrl: match.avatarUrl } : {}),
    }));
  }
}
