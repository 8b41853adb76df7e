import type { userV1 } from '@diaspora/proto';
import { type AccessClaims, LiveRoles, type Logger, MemoryCache } from '@diaspora/service-kit';
import type { Viewer } from '../domain/model.js';
import type { AuthorView, CommunityStore, MemberRecord } from '../domain/ports.js';

const BATCH = 100;
const GRAPH_PAGE = 1000;
/** More than this many followed people is not a timeline we rebuild in one request. */
const GRAPH_MAX = 5000;

/**
 * Everything the content service asks of the user service, over gRPC with deadlines, with local fallbacks:
 * viewers' communities (local read model first), authors' names and avatars (one privacy-aware batched call per
 * page, cached briefly per viewer), and the authoritative social graph for timeline rebuilds.
 */
export class UserDirectory {
  private readonly authorCache = new Map<string, { view: AuthorView; expires: number }>();
  private readonly memberCache = new Map<string, { member: MemberRecord | null; expires: number }>();
  /** Current roles per member, asked of the user service and kept 10 s (revoked tokens are denied by the kit). */
  private readonly roles: LiveRoles | undefined;

  constructor(
    private readonly client: userV1.UserServiceClient | undefined,
    private readonly community: CommunityStore,
    private readonly logger: Logger,
    private readonly cacheMs: number,
  ) {
    const users = this.client;
    this.roles = users
      ? new LiveRoles((userId) => users.getRoles({ userId }), new MemoryCache(10_000), 10_000)
      : undefined;
  }

  /** The reader: tier from the token, communities from the read model (or the user service when missing). */
  async viewer(claims: AccessClaims): Promise<Viewer> {
    const now = Date.now();
    const cached = this.memberCache.get(claims.sub);
    let member = cached && cached.expires > now ? cached.member : await this.community.member(claims.sub);
    if (!member && this.client) {
      try {
        const { user } = await this.client.getUser({ userId: claims.sub, viewerId: claims.sub });
        if (user) member = this.fromUser(user);
      } catch (error) {
        this.logger.warn({ err: error, userId: claims.sub }, 'viewer lookup failed; using token claims');
      }
    }
    if (member && this.cacheMs > 0 && !(cached && cached.expires > now)) {
      if (this.memberCache.size >= 50_000) this.memberCache.clear();
      this.memberCache.set(claims.sub, { member, expires: now + this.cacheMs });
    }
    const moderator = claims.roles.includes('ambassador') || claims.roles.includes('consul');
    return {
      id: claims.sub,
      tier: claims.tier,
      languages: member?.languages ?? [],
      ...(member?.originCountry ? { originCountry: member.originCountry } : {}),
      // For ambassadors and consuls the token's country/city is their appointment, not where they live.
      ...(member?.residenceCountry || (!moderator && claims.country)
        ? { residenceCountry: member?.residenceCountry ?? claims.country }
        : {}),
      ...(member?.residenceCity || (!moderator && claims.city)
        ? { residenceCity: member?.residenceCity ?? claims.city }
        : {}),
    };
  }

  /** Without a user service (standalone runs) the token's roles stand; the kit's deny-list still applies. */
  confirmRoles(claims: AccessClaims): Promise<AccessClaims> {
    return this.roles ? this.roles.confirm(claims) : Promise.resolve(claims);
  }

  /** The author's community when writing (kept on the post): same sources as `viewer`. */
  async memberOf(userId: string): Promise<MemberRecord | null> {
    const member = await this.community.member(userId);
    if (member || !this.client) return member;
    try {
      const { user } = await this.client.getUser({ userId, viewerId: userId });
      return user ? this.fromUser(user) : null;
    } catch (error) {
      this.logger.warn({ err: error, userId }, 'member lookup failed');
      return null;
    }
  }

  private fromUser(user: userV1.User): MemberRecord {
    return {
      userId: user.id,
      displayName: user.displayName,
      ...(user.avatarUrl ? { avatarUrl: user.avatarUrl } : {}),
      ...(user.originCountry ? { originCountry: user.originCountry } : {}),
      ...(user.residenceCountry ? { residenceCountry: user.residenceCountry } : {}),
      ...(user.residenceCity ? { residenceCity: user.residenceCity } : {}),
      languages: user.languages,
    };
  }

  /** Names and avatars as `viewerId` may see them: cached ones, then one BatchGetUsers per 100 missing. */
  async authors(viewerId: string, ids: string[]): Promise<Map<string, AuthorView>> {
    const now = Date.now();
    const found = new Map<string, AuthorView>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const cached = this.authorCache.get(`${viewerId}:${id}`);
      if (cached && cached.expires > now) found.set(id, cached.view);
      else missing.push(id);
    }
    if (missing.length && this.client) {
      try {
        for (let i = 0; i < missing.length; i += BATCH) {
          const { users } = await this.client.batchGetUsers({ userIds: missing.slice(i, i + BATCH), viewerId });
          for (const user of users) {
            const view: AuthorView = {
              id: user.id,
              displayName: user.displayName,
              ...(user.avatarUrl ? { avatarUrl: user.avatarUrl } : {}),
            };
            found.set(user.id, view);
            if (this.cacheMs > 0) this.authorCache.set(`${viewerId}:${user.id}`, { view, expires: now + this.cacheMs });
          }
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'author lookup failed; using the local directory');
      }
      this.evictExpired(now);
    }
    // Unknown to the user service, or it is down: the names the read model has (never avatars: privacy),
    // reused as briefly as the others.
    const rest = missing.filter((id) => !found.has(id));
    for (const member of await this.community.members(rest)) {
      const view = { id: member.userId, displayName: member.displayName };
      found.set(member.userId, view);
      if (this.cacheMs > 0) this.authorCache.set(`${viewerId}:${member.userId}`, { view, expires: now + this.cacheMs });
    }
    return found;
  }

  private evictExpired(now: number): void {
    if (this.authorCache.size < 50_000) return;
    for (const [key, entry] of this.authorCache) if (entry.expires <= now) this.authorCache.delete(key);
    if (this.authorCache.size >= 50_000) this.authorCache.clear();
  }

  /**
   * Who a member follows and is connected to, from the user service; null when it cannot say (down, or the graph
   * is not served), so callers fall back to the local read model.
   */
  async outgoingGraph(userId: string): Promise<{ following: string[]; connections: string[] } | null> {
    if (!this.client) return null;
    const client = this.client;
    const all = async (
      list: (request: Partial<userV1.ListRelatedIdsRequest>) => Promise<userV1.ListRelatedIdsResponse>,
    ) => {
      const ids: string[] = [];
      let pageToken = '';
      do {
        const page = await list({ userId, pageSize: GRAPH_PAGE, pageToken });
        ids.push(...page.userIds);
        pageToken = page.nextPageToken;
      } while (pageToken && ids.length < GRAPH_MAX);
      return ids;
    };
    try {
      const [following, connections] = await Promise.all([
        all((request) => client.listFollowingIds(request)),
        all((request) => client.listConnectionIds(request)),
      ]);
      return { following, connections };
    } catch (error) {
      this.logger.warn({ err: error, userId }, 'social graph lookup failed; using the local read model');
      return null;
    }
  }
}
