import { RoleRevoked, SessionRevoked, UserDeleted, UserSuspended } from '@diaspora/events';
import type { Cache } from '../cache/types.js';
import { problems } from '../errors.js';
import { consumer, type EventConsumer } from '../events/consumer.js';
import type { AccessClaims } from './verifier.js';

/** The longest access token any service accepts (the user service's ACCESS_TOKEN_TTL_SECONDS is capped there). */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 3600;
/** Deny-list entries outlive every token they can concern (plus clock skew). */
const ENTRY_TTL_MS = (MAX_ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;

const sessionKey = (sessionId: string) => `revoked:session:${sessionId}`;
const userKey = (userId: string) => `revoked:user:${userId}`;
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * The deny-list of access tokens, kept in the service's cache port (in-process in all-in-one, Redis shared by the
 * replicas when distributed): revoked sessions (`sid`), and per member a time before which every token issued
 * is refused (`iat` ≤ it: logout everywhere, suspension, role revocation, deletion). Entries expire once no token
 * they concern can still be valid.
 */
export class RevocationList {
  constructor(private readonly cache: Cache) {}

  async revokeSession(sessionId: string): Promise<void> {
    await this.cache.set(sessionKey(sessionId), '1', ENTRY_TTL_MS);
  }

  /** Refuses the member's tokens issued up to `atSeconds` (the latest such time wins). */
  async revokeUserUntil(userId: string, atSeconds: number): Promise<void> {
    const current = Number((await this.cache.get(userKey(userId))) ?? 0);
    if (atSeconds > current) await this.cache.set(userKey(userId), String(atSeconds), ENTRY_TTL_MS);
  }

  /** 401 when the token's session or the member's tokens of its age were revoked; 503 if the list is unreadable. */
  async check(claims: AccessClaims): Promise<void> {
    let session: string | null;
    let user: string | null;
    try {
      [session, user] = await Promise.all([
        claims.sid ? this.cache.get(sessionKey(claims.sid)) : null,
        this.cache.get(userKey(claims.sub)),
      ]);
    } catch {
      // Fail closed: a token we cannot check might be one that was revoked.
      throw problems.unavailable('Token revocations cannot be checked right now.');
    }
    if (session) throw problems.invalidToken('This session has ended; sign in again.');
    if (user && claims.iat <= Number(user))
      throw problems.invalidToken('This access token was revoked; refresh it or sign in again.');
  }
}

/**
 * The consumers every service runs (started by the kit) to keep its deny-list current: session revocations,
 * role revocations (tokens still claim the role until refreshed), suspensions and deletions.
 */
export function revocationConsumers(list: RevocationList): EventConsumer[] {
  return [
    consumer('deny-revoked-sessions', SessionRevoked, async (data) => {
      if (data.sessionId) await list.revokeSession(data.sessionId);
      if (data.all) await list.revokeUserUntil(data.userId, seconds(data.at));
    }),
    consumer('deny-revoked-roles', RoleRevoked, (data) => list.revokeUserUntil(data.userId, seconds(data.at))),
    consumer('deny-suspended-users', UserSuspended, (data) => list.revokeUserUntil(data.userId, seconds(data.at))),
    consumer('deny-deleted-users', UserDeleted, (data) => list.revokeUserUntil(data.userId, seconds(data.deletedAt))),
  ];
}
