import type { EventData, EventDefinition } from '@diaspora/events';
import type { ProfileChanges, ProfileFields, UserRecord } from './user.js';

export interface NewUser extends ProfileFields {
  id: string;
  email: string;
  passwordHash: string;
}

export interface UserStore {
  findById(id: string): Promise<UserRecord | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findManyByIds(ids: string[]): Promise<UserRecord[]>;
  /** Throws `EmailTakenError` when the email is already registered. */
  insert(user: NewUser): Promise<UserRecord>;
  updateProfile(id: string, changes: ProfileChanges): Promise<UserRecord | null>;
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

export interface SessionStore {
  create(token: NewRefreshToken): Promise<void>;
  /** Locks the row for the rest of the transaction so two refreshes of one token serialize. */
  findForUpdate(tokenHash: Buffer): Promise<RefreshTokenRecord | null>;
  markRotated(id: string): Promise<void>;
  revokeFamily(familyId: string, reason: string): Promise<number>;
}

export interface EventSink {
  publish<D extends EventDefinition>(definition: D, data: EventData<D>): Promise<void>;
}

export interface Scope {
  users: UserStore;
  sessions: SessionStore;
  events: EventSink;
}

/** Runs work in one transaction; events published through the scope commit (or vanish) with it. */
export interface UnitOfWork {
  run<T>(work: (scope: Scope) => Promise<T>): Promise<T>;
  /** Read-only access outside a transaction. */
  readonly users: UserStore;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Burns the same time as `verify`, so unknown emails cannot be told apart by timing. */
  verifyNothing(password: string): Promise<void>;
}

export interface AccessTokenIssuer {
  issue(user: UserRecord): { accessToken: string; expiresIn: number };
}

export class EmailTakenError extends Error {
  override name = 'EmailTakenError';
}
