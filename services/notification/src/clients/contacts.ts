import type { userV1 } from '@diaspora/proto';
import type { Cache } from '@diaspora/service-kit';
import type { Contacts } from '../domain/ports.js';
import type { Contact } from '../domain/types.js';

const GRPC_NOT_FOUND = 5;
const contactKey = (userId: string) => `contact:${userId}`;

/**
 * Contact details from the user service (GetContactInfo), cached for a minute so a burst of notifications to one
 * member asks once; never written to this service's database.
 */
export class GrpcContacts implements Contacts {
  constructor(
    private readonly client: userV1.UserServiceClient,
    private readonly cache: Cache,
    private readonly ttlMs = 60_000,
  ) {}

  async get(userId: string): Promise<Contact | null> {
    const cached = await this.cache.get(contactKey(userId)).catch(() => null);
    if (cached) return JSON.parse(cached) as Contact | null;
    let contact: Contact | null;
    try {
      const info = await this.client.getContactInfo({ userId });
      contact = {
        userId: info.userId || userId,
        displayName: info.displayName,
        email: info.email,
        emailVerified: info.emailVerified,
        languages: info.languages,
        timeZone: info.timeZone || 'UTC',
        active: info.status !== 'suspended',
      };
    } catch (error) {
      if ((error as { code?: number }).code !== GRPC_NOT_FOUND) throw error;
      contact = null;
    }
    await this.cache.set(contactKey(userId), JSON.stringify(contact), this.ttlMs).catch(() => undefined);
    return contact;
  }

  async displayName(userId: string): Promise<string> {
    return (await this.get(userId))?.displayName || 'A member';
  }

  async *members(filter: { country: string; city?: string; domains?: string[] }): AsyncIterable<string[]> {
    let pageToken = '';
    do {
      const page = await this.client.listMemberIds({
        residenceCountry: filter.country,
        residenceCity: filter.city ?? '',
        originCountry: '',
        domains: filter.domains ?? [],
        pageSize: 1000,
        pageToken,
      });
      if (page.userIds.length > 0) yield page.userIds;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  async forget(userId: string): Promise<void> {
    await this.cache.delete(contactKey(userId));
  }
}
