import type { IdPage } from './graph-ports.js';
import type { UserRecord } from './user.js';

/** Who lives where, for community-wide fan-out (new-event alerts). */
export interface CommunityFilter {
  residenceCountry: string;
  residenceCity: string | null;
  originCountry: string | null;
  /** Empty: any; otherwise members with at least one of these. */
  domains: string[];
}

/** The members an admin's current roles cover: everyone (super), a country (ambassador) or a city (consul). */
export type AdminReach =
  | { kind: 'all' }
  | { kind: 'country'; country: string }
  | { kind: 'city'; country: string; city: string };

export interface MemberSearch {
  reach: AdminReach;
  /** Lower-cased words, each the start of a word of the name. */
  words: string[];
  /** An email prefix (lower-cased) that matches as an alternative to the words; super users only. */
  emailPrefix: string | null;
  residenceCountry: string | null;
  residenceCity: string | null;
  originCountry: string | null;
  role: string | null;
  status: 'active' | 'suspended' | null;
}

/** Directory reads for other services and admins, and the account status (suspension). Erased members never show. */
export interface MemberStore {
  /** Active members of a community in ascending id order. */
  communityIds(filter: CommunityFilter, page: IdPage): Promise<string[]>;
  /**
   * Ids of active members whose verified email or phone hashes to one of the given digests and who allow being
   * found that way; never `viewerId`, never anyone who blocks the viewer or whom the viewer blocks.
   */
  matchContactHashes(viewerId: string, emailHashes: string[], phoneHashes: string[]): Promise<string[]>;
  /** Newest first (descending id), continuing strictly before `page.after`. */
  search(search: MemberSearch, page: IdPage): Promise<UserRecord[]>;
  suspend(userId: string, suspension: { reason: string; until: Date | null; by: string }): Promise<UserRecord | null>;
  /** Lifts a suspension; null when the member is unknown or was not suspended. */
  reinstate(userId: string): Promise<UserRecord | null>;
  /** Locks up to `limit` suspended members whose end passed by `now`, skipping rows another instance holds. */
  lockExpiredSuspensions(now: Date, limit: number): Promise<string[]>;
}
