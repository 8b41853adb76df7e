import type { AccessClaims } from '@diaspora/service-kit';
import type { MemberDataStore } from './ports.js';

/**
 * The tier that applies now: the token's, unless users.tier.changed said otherwise after the token was issued
 * (an upgrade takes effect without waiting for the next token). Answers are reused for up to 30 s; the instance
 * that consumes the event forgets its answer at once.
 */
export class EffectiveTiers {
  private readonly recent = new Map<
    string,
    { value: { tier: 'free' | 'premium'; changedAt: Date } | null; at: number }
  >();

  constructor(
    private readonly data: Pick<MemberDataStore, 'tier'>,
    private readonly ttlMs = 30_000,
  ) {}

  async of(claims: Pick<AccessClaims, 'sub' | 'tier' | 'iat'>): Promise<'free' | 'premium'> {
    const now = Date.now();
    let entry = this.recent.get(claims.sub);
    if (!entry || now > entry.at) {
      // Expiries are spread (50–100% of the TTL) so that members who connected together do not all reload at once.
      entry = { value: await this.data.tier(claims.sub), at: now + this.ttlMs * (0.5 + Math.random() / 2) };
      this.recent.set(claims.sub, entry);
      if (this.recent.size > 50_000) this.recent.delete(this.recent.keys().next().value!);
    }
    const stored = entry.value;
    return stored && stored.changedAt.getTime() > claims.iat * 1000 ? stored.tier : claims.tier;
  }

  /** Drops what this instance remembers about a user (their tier just changed). */
  forget(userId: string): void {
    this.recent.delete(userId);
  }
}
