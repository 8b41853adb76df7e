import type { Scope as KitScope, UnitOfWork as KitUnitOfWork } from '@diaspora/service-kit';
import type { ExportStore, IdentityStore, TokenStore } from './account-ports.js';
import type { GraphCounts, GraphStore, IdPage } from './graph-ports.js';
import type { MemberStore } from './member-ports.js';
import type { ProfileChanges, ProfileFields, RoleAssignment, UserRecord } from './user.js';

export interface NewUser extends ProfileFields {
  id: string;
  email: string;
  /** Null for accounts created through an OAuth provider. */
  passwordHash: string | null;
  emailVerified?: boolean;
  /** IANA name; "UTC" when not given. */
  timeZone?: string;
  arrivedAt?: string | null;
}

/** Reads skip erased accounts: an erased member no longer exists for anyone. */
export interface UserStore {
  findById(id: string): Promise<UserRecord | null>;
  /** The member with their graph counts, in one round trip (the own-profile read every client makes). */
  findWithCounts(id: string): Promise<{ user: UserRecord; counts: GraphCounts } | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findManyByIds(ids: string[]): Promise<UserRecord[]>;
  /** Locks the user's row for the rest of the transaction. */
  lock(id: string): Promise<UserRecord | null>;
  /** Serializes work on one email address (it may not have an account yet) until the transaction ends. */
  lockEmail(email: string): Promise<void>;
  /** Throws `EmailTakenError` when the email is already registered. */
  insert(user: NewUser): Promise<UserRecord>;
  updateProfile(id: string, changes: ProfileChanges): Promise<UserRecord | null>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  /** Marks the email verified only if it is still the account's email; false otherwise. */
  markEmailVerified(id: string, email: string): Promise<boolean>;
  /** Throws `PhoneTakenError` when another account verified this number. */
  setVerifiedPhone(id: string, phone: string): Promise<void>;
  setTier(id: string, tier: 'free' | 'premium'): Promise<void>;
  /** Recomputes the `roles` array from active appointments and the tier; returns the fresh record. */
  refreshRoles(id: string): Promise<UserRecord>;
  /** GDPR erasure: personal data replaced by neutral values, the row kept as a tombstone for references. */
  anonymize(id: string): Promise<void>;
}

/** A refresh token row; a session is the family of tokens that rotated from one login. */
export interface RefreshTokenRecord {
  id: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewRefreshToken {
  id: string;
  familyId: string;
  userId: string;
  tokenHash: Buffer;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

export interface SessionSummary {
  id: string;
  startedAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** Forgot-password requests waiting to be answered in the background. */
export interface ResetRequestStore {
  enqueue(email: string): Promise<void>;
  takeNext(): Promise<{ email: string } | null>;
}

export interface SessionStore {
  create(token: NewRefreshToken): Promise<void>;
  /** Locks the row for the rest of the transaction so two refreshes of one token serialize. */
  findForUpdate(tokenHash: Buffer): Promise<RefreshTokenRecord | null>;
  markRotated(id: string): Promise<void>;
  revokeFamily(familyId: string, reason: string): Promise<number>;
  /** Revokes the user's sessions except `keepFamilyId` (if given); returns the sessions (families) it ended. */
  revokeAllOf(userId: string, reason: string, keepFamilyId?: string): Promise<string[]>;
  listActive(userId: string): Promise<SessionSummary[]>;
  /** Revokes one session of this user; false when the user has no such active session. */
  revokeOwn(userId: string, familyId: string, reason: string): Promise<boolean>;
  deleteAllOf(userId: string): Promise<void>;
}

export interface AssignmentRecord extends RoleAssignment {
  id: string;
  userId: string;
  appointedBy: string;
  appointedAt: Date;
}

export interface RoleAuditRecord {
  id: string;
  at: Date;
  actorId: string;
  action: 'appointed' | 'revoked';
  userId: string;
  role: RoleAssignment['role'];
  country: string | null;
  city: string | null;
}

export interface RoleStore {
  /** Throws `RoleTakenError` when the user already holds this role. */
  appoint(assignment: Omit<AssignmentRecord, 'appointedAt'>): Promise<AssignmentRecord>;
  findActive(userId: string, role: RoleAssignment['role']): Promise<AssignmentRecord | null>;
  revoke(id: string, byUserId: string): Promise<void>;
  listActive(role: 'ambassador' | 'consul', filter: { country?: string; city?: string }): Promise<AssignmentRecord[]>;
  activeOf(userId: string): Promise<AssignmentRecord[]>;
  audit(entry: { action: 'appointed' | 'revoked'; assignment: AssignmentRecord; actorId: string }): Promise<void>;
  auditOf(userId: string): Promise<Record<string, unknown>[]>;
  /** The audit newest first (descending id, continuing strictly before `after`); one member's, or everyone's. */
  auditPage(userId: string | null, page: IdPage): Promise<RoleAuditRecord[]>;
  /** Records the latest known state of one subscription; false when an as-new or newer event was applied. */
  recordSubscription(entry: { subscriptionId: string; userId: string; active: boolean; at: Date }): Promise<boolean>;
  hasActiveSubscription(userId: string): Promise<boolean>;
  forgetSubscriptions(userId: string): Promise<void>;
}

/** The stores of the user service: what a use case reads, and writes inside one transaction. */
export interface Stores {
  users: UserStore;
  sessions: SessionStore;
  resetRequests: ResetRequestStore;
  graph: GraphStore;
  members: MemberStore;
  roles: RoleStore;
  tokens: TokenStore;
  identities: IdentityStore;
  exports: ExportStore;
}

/** The stores of one transaction plus `publish` (the outbox): what commits together, or not at all. */
export type Scope = KitScope<Stores>;

/** `read` (outside a transaction), `run(scope => …)` (one transaction), `scopeFor(tx)` (someone else's). */
export type UnitOfWork = KitUnitOfWork<Stores>;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Burns the same time as `verify`, so unknown emails cannot be told apart by timing. */
  verifyNothing(password: string): Promise<void>;
}

export interface AccessTokenIssuer {
  /** `sessionId` (the refresh-token family) goes into the token as `sid`, so a session knows itself. */
  issue(user: UserRecord, sessionId: string): Promise<{ accessToken: string; expiresIn: number }>;
}

export class EmailTakenError extends Error {
  override name = 'EmailTakenError';
}

export class PhoneTakenError extends Error {
  override name = 'PhoneTakenError';
}

export class RoleTakenError extends Error {
  override name = 'RoleTakenError';
}
