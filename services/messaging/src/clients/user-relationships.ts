import type { userV1 } from '@diaspora/proto';
import { type Cache, type Logger, problems } from '@diaspora/service-kit';
import type { Relationships } from '../domain/ports.js';

const NOT_FOUND = 5;

/**
 * "May A message B?", asked of the user service (GetRelationship: B's privacy settings and blocks either way),
 * answers cached briefly on the cache port. When the user service cannot answer, nobody is allowed: 503.
 */
export class UserServiceRelationships implements Relationships {
  constructor(
    private readonly client: Pick<userV1.UserServiceClient, 'getRelationship'>,
    private readonly cache: Cache,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  private key(viewerId: string, targetId: string): string {
    return `can-message:${viewerId}:${targetId}`;
  }

  async canMessage(viewerId: string, targetId: string): Promise<boolean> {
    const key = this.key(viewerId, targetId);
    const cached = this.ttlSeconds > 0 ? await this.cache.get(key) : null;
    if (cached !== null) return cached === '1';
    let allowed: boolean;
    try {
      const answer = await this.client.getRelationship({ viewerId, targetId });
      allowed = answer.canMessage && !answer.blocking && !answer.blockedBy;
    } catch (error) {
      if ((error as { code?: number }).code === NOT_FOUND) throw problems.notFound('member');
      this.logger.warn({ err: error }, 'user service GetRelationship failed');
      throw problems.unavailable('Messaging permissions cannot be checked right now; retry shortly.');
    }
    if (this.ttlSeconds > 0) await this.cache.set(key, allowed ? '1' : '0', this.ttlSeconds * 1000);
    return allowed;
  }

  async forget(a: string, b: string): Promise<void> {
    await Promise.all([this.cache.delete(this.key(a, b)), this.cache.delete(this.key(b, a))]);
  }
}
