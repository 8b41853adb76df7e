export type TokenPurpose = 'verify-email' | 'reset-password';

export interface VerificationTokenRecord {
  id: string;
  userId: string;
  purpose: TokenPurpose;
  email: string;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface PhoneVerificationRecord {
  userId: string;
  phone: string;
  startedAt: Date;
  expiresAt: Date;
  attempts: number;
}

export interface OAuthIdentityRecord {
  provider: string;
  subject: string;
  userId: string;
  email: string | null;
  createdAt: Date;
}

export type ExportStatus = 'pending' | 'running' | 'ready' | 'failed';

export interface ExportJobRecord {
  id: string;
  userId: string;
  status: ExportStatus;
  archive: unknown;
  error: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

/** Single-use secrets sent by email (verification, password reset) and pending phone checks. */
export interface TokenStore {
  insert(token: Omit<VerificationTokenRecord, 'usedAt'> & { tokenHash: Buffer }): Promise<void>;
  /** Locks the token row for the rest of the transaction. */
  findForUpdate(tokenHash: Buffer): Promise<VerificationTokenRecord | null>;
  markUsed(id: string): Promise<void>;
  /** Spends every unused token of this purpose (a newer one or a completed action supersedes them). */
  invalidateAll(userId: string, purpose: TokenPurpose): Promise<void>;
  startPhone(record: Omit<PhoneVerificationRecord, 'attempts' | 'startedAt'>): Promise<void>;
  /** Locks the pending phone check for the rest of the transaction. */
  findPhoneForUpdate(userId: string): Promise<PhoneVerificationRecord | null>;
  countPhoneAttempt(userId: string): Promise<void>;
  clearPhone(userId: string): Promise<void>;
  deleteAllOf(userId: string): Promise<void>;
}

export interface IdentityStore {
  find(provider: string, subject: string): Promise<OAuthIdentityRecord | null>;
  /** Links; a no-op when this provider identity is already linked. */
  link(identity: Omit<OAuthIdentityRecord, 'createdAt'>): Promise<void>;
  touch(provider: string, subject: string): Promise<void>;
  listOf(userId: string): Promise<OAuthIdentityRecord[]>;
  deleteAllOf(userId: string): Promise<void>;
}

export interface ExportStore {
  create(job: { id: string; userId: string }): Promise<ExportJobRecord>;
  /** The user's unfinished job, if any (one at a time). */
  openJobOf(userId: string): Promise<ExportJobRecord | null>;
  find(id: string): Promise<ExportJobRecord | null>;
  /** Claims the oldest pending job (or one abandoned while running) for this worker. */
  claimNext(staleAfterMs: number): Promise<ExportJobRecord | null>;
  complete(id: string, archive: unknown): Promise<void>;
  fail(id: string, error: string): Promise<void>;
  deleteAllOf(userId: string): Promise<void>;
}
