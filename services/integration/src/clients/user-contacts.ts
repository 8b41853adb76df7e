import type { userV1 } from '@diaspora/proto';
import { problems } from '@diaspora/service-kit';
import type { ContactMatch, ContactMatcher, MemberContacts } from '../domain/ports.js';

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

/** A member's contact details (GetContactInfo), for the CRM connector; undefined when the member is gone. */
export class UserMemberContacts implements MemberContacts {
  constructor(private readonly client: userV1.UserServiceClient | undefined) {}

  async get(userId: string) {
    if (!this.client) return undefined;
    try {
      const info = await this.client.getContactInfo({ userId });
      return { email: info.email, emailVerified: info.emailVerified, displayName: info.displayName };
    } catch (error) {
      if ((error as { code?: number }).code === 5) return undefined; // NOT_FOUND: deleted
      throw error;
    }
  }
}
