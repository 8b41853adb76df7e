import type { userV1 } from '@diaspora/proto';
import type { Cache } from '@diaspora/service-kit';
import type { Audience, Directory } from '../domain/ports.js';

const GRPC_NOT_FOUND = 5;
const notFound = (error: unknown) => (error as { code?: number }).code === GRPC_NOT_FOUND;

export const audienceKey = (userId: string) => `audience:${userId}`;

/**
 * The user service, seen through its gRPC contract (every call has the client's deadline). A member's audience
 * (residence, origin) is cached for `audienceTtlMs`; users.profile.updated drops the entry (see consumers).
 */
export class GrpcUserDirectory implements Directory {
  constructor(
    private readonly client: userV1.UserServiceClient,
    private readonly cache?: Cache,
    private readonly audienceTtlMs = 60_000,
  ) {}

  async audienceOf(userId: string): Promise<Audience | null> {
    const cached = await this.cache?.get(audienceKey(userId)).catch(() => null);
    if (cached) return JSON.parse(cached) as Audience;
    try {
      const { user } = await this.client.getUser({ userId, viewerId: userId });
      if (!user) return null;
      const audience = {
        ...(user.residenceCountry ? { residenceCountry: user.residenceCountry } : {}),
        ...(user.residenceCity ? { residenceCity: user.residenceCity } : {}),
        ...(user.originCountry ? { originCountry: user.originCountry } : {}),
      };
      await this.cache?.set(audienceKey(userId), JSON.stringify(audience), this.audienceTtlMs).catch(() => undefined);
      return audience;
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }

  async forget(userId: string): Promise<void> {
    await this.cache?.delete(audienceKey(userId));
  }

  async consulScope(userId: string): Promise<{ country: string; city: string } | null> {
    try {
      const { assignments } = await this.client.getRoles({ userId });
      const consul = assignments.find((assignment) => assignment.role === 'consul' && assignment.country);
      return consul ? { country: consul.country, city: consul.city } : null;
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }
}
