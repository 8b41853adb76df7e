import { RoleAppointed, RoleRevoked, UserSuspended } from '@diaspora/events';
import type { Cache } from '../cache/types.js';
import { consumer, type EventConsumer } from '../events/consumer.js';
import { type AccessClaims, ROLES, type Role } from './verifier.js';

/** The user service's answer about a member's roles (its GetRoles). */
export interface CurrentRoles {
  roles: string[];
  assignments: { role: string; country?: string; city?: string }[];
  /** "free" or "premium" (GetRoles answers it; older answers may not). */
  tier?: string;
}

const key = (userId: string) => `live-roles:${userId}`;
const APPOINTED: readonly Role[] = ['super', 'ambassador', 'consul'];

/**
 * Role-gated writes check the member's roles with the user service rather than trusting the token alone (a token
 * keeps a revoked role until it expires). Answers are cached for `ttlMs` and dropped on users.role.* and
 * suspension events (run `consumers()` in the service), so a revocation counts at once; the cache only spares
 * the user service repeated questions.
 */
export class LiveRoles {
  constructor(
    private readonly lookup: (userId: string) => Promise<CurrentRoles>,
    private readonly cache: Cache,
    private readonly ttlMs = 30_000,
  ) {}

  /**
   * The claims with roles and appointment scope as the user service holds them now (lookup errors propagate).
   * A token claiming no appointment is returned as is: it grants nothing a revocation could take back.
   */
  async confirm(claims: AccessClaims): Promise<AccessClaims> {
    if (!claims.roles.some((role) => APPOINTED.includes(role))) return claims;
    const current = await this.current(claims.sub);
    const { country: _country, city: _city, ...rest } = claims;
    return {
      ...rest,
      roles: current.roles.filter((role): role is Role => ROLES.includes(role as Role)),
      ...scope(current, claims),
    };
  }

  /**
   * Claims for a member acting through another service (gRPC callers name a member, they carry no token): roles,
   * appointment scope and tier as the user service holds them now.
   */
  async claimsOf(userId: string): Promise<AccessClaims> {
    const current = await this.current(userId);
    const roles = current.roles.filter((role): role is Role => ROLES.includes(role as Role));
    const claims: AccessClaims = {
      sub: userId,
      roles: roles.length ? roles : ['regular'],
      tier: current.tier === 'premium' ? 'premium' : 'free',
      iat: 0,
      exp: 0,
      jti: '',
    };
    return { ...claims, ...scope(current, claims) };
  }

  private async current(userId: string): Promise<CurrentRoles> {
    const cached = await this.cache.get(key(userId));
    if (cached) return JSON.parse(cached) as CurrentRoles;
    const current = await this.lookup(userId);
    await this.cache.set(key(userId), JSON.stringify(current), this.ttlMs);
    return current;
  }

  async forget(userId: string): Promise<void> {
    await this.cache.delete(key(userId));
  }

  consumers(): EventConsumer[] {
    const forget = (data: { userId: string }) => this.forget(data.userId);
    return [
      consumer('live-roles-appointed', RoleAppointed, forget),
      consumer('live-roles-revoked', RoleRevoked, forget),
      consumer('live-roles-suspended', UserSuspended, forget),
    ];
  }
}

/** Same rule as the user service's token scope: a consul's city, else an ambassador's country, else residence. */
function scope(current: CurrentRoles, claims: AccessClaims): { country?: string; city?: string } {
  const consul = current.assignments.find((assignment) => assignment.role === 'consul');
  if (consul?.country && consul.city) return { country: consul.country, city: consul.city };
  const ambassador = current.assignments.find((assignment) => assignment.role === 'ambassador');
  if (ambassador?.country) return { country: ambassador.country };
  const appointed = claims.roles.some((role) => role === 'ambassador' || role === 'consul');
  // The token's country/city was an appointment that no longer holds: no scope rather than a stale one.
  if (appointed) return {};
  return { ...(claims.country ? { country: claims.country } : {}), ...(claims.city ? { city: claims.city } : {}) };
}
