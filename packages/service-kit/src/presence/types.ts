/**
 * Who is connected where, across instances: each instance ("holder") that holds live connections of a user
 * records itself against that user with an expiry it keeps refreshing. A crashed instance's entries simply
 * expire. In-process for all-in-one, Redis when distributed; one contract test suite for both.
 */
export interface PresenceRegistry {
  readonly kind: 'memory' | 'redis';
  /** Records `holder` for the user until `ttlMs` from now. True when the user just came online (no live holder before). */
  add(userId: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Removes `holder` for the user. True when the user just went offline (this was the last live holder). */
  remove(userId: string, holder: string): Promise<boolean>;
  /** Extends `holder`'s entries for these users (the periodic heartbeat of an instance). */
  refresh(userIds: string[], holder: string, ttlMs: number): Promise<void>;
  /** The users among `userIds` that at least one live holder has. */
  online(userIds: string[]): Promise<Set<string>>;
  /** The live holders of a user (for directed delivery). */
  holders(userId: string): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
