import type { contentV1, eventV1, userV1 } from '@diaspora/proto';
import type { Scope as KitScope, UnitOfWork as KitUnitOfWork } from '@diaspora/service-kit';
import type { AuditEntry, NewAuditEntry } from './audit-model.js';
import type { CaseRecord, CaseSignal, CaseStatus, Resolution } from './case-model.js';
import type { Place, PlatformSettings } from './settings-model.js';

/** A member as the admin service knows them from users.* events (never from the user service's tables). */
export interface MemberRecord {
  userId: string;
  displayName: string;
  originCountry: string;
  residenceCountry: string;
  residenceCity: string;
  registeredAt: Date | null;
  status: 'active' | 'suspended';
}

export interface MemberStore {
  upsert(member: Omit<MemberRecord, 'status' | 'registeredAt'> & { registeredAt?: Date }): Promise<boolean>;
  find(userId: string): Promise<MemberRecord | null>;
  setStatus(userId: string, status: MemberRecord['status']): Promise<void>;
  remove(userId: string): Promise<void>;
}

export interface AuditFilters {
  actorId?: string;
  targetId?: string;
  targetType?: string;
  action?: string;
  from?: Date;
  to?: Date;
  /** Only entries of this community (ambassadors, consuls). */
  place?: Place;
}

export interface AuditStore {
  /** False when an entry with the same `sourceKey` is already there (imports run more than once). */
  append(entry: NewAuditEntry): Promise<boolean>;
  list(filters: AuditFilters, after: { at: Date; id: string } | undefined, limit: number): Promise<AuditEntry[]>;
  concerning(userId: string): Promise<AuditEntry[]>;
  pseudonymize(userId: string, pseudonym: string): Promise<number>;
}

export interface CaseListFilters {
  status: CaseStatus;
  targetType?: string;
  place?: Place;
}

export interface CasePosition {
  priority: number;
  openedAt: Date;
  id: string;
}

export interface CaseStore {
  /** Adds a signal (report, flag) to the open case of its target, opening one when there is none. */
  signal(signal: CaseSignal): Promise<CaseRecord>;
  find(id: string, options?: { forUpdate?: boolean }): Promise<CaseRecord | null>;
  list(filters: CaseListFilters, after: CasePosition | undefined, limit: number): Promise<CaseRecord[]>;
  reasons(caseIds: string[]): Promise<Map<string, string[]>>;
  resolve(id: string, resolution: Resolution): Promise<CaseRecord>;
  reopenForAppeal(id: string, appeal: { by: string; statement: string; at: Date }): Promise<CaseRecord>;
  concerning(userId: string): Promise<{ cases: CaseRecord[]; reports: { caseId: string; reason: string; at: Date }[] }>;
  /** Erasure: the member's reports go, cases about them keep the decision with a pseudonym. */
  erase(userId: string, pseudonym: string): Promise<void>;
}

export interface MetricDelta {
  day: string;
  metric: string;
  place: Place;
  amount: number;
  currency?: string;
}

export interface SeriesRow {
  day: string;
  metric: string;
  currency: string;
  value: number;
}

export interface AnalyticsQuery {
  from: string;
  to: string;
  place?: Place;
}

export interface AnalyticsStore {
  bump(delta: MetricDelta): Promise<void>;
  markActive(day: string, userId: string, place: Place): Promise<void>;
  series(metrics: string[], query: AnalyticsQuery): Promise<SeriesRow[]>;
  /** Distinct active members per day over a trailing window of `windowDays` ending on each day. */
  activeUsers(query: AnalyticsQuery, windowDays: number): Promise<{ day: string; value: number }[]>;
  forget(userId: string): Promise<void>;
}

export interface SettingsStore {
  get(): Promise<{ value: PlatformSettings; version: number; updatedBy: string; updatedAt: Date } | null>;
  save(value: PlatformSettings, by: string, at: Date, expectedVersion: number): Promise<number | null>;
}

export interface Stores {
  members: MemberStore;
  audit: AuditStore;
  cases: CaseStore;
  analytics: AnalyticsStore;
  settings: SettingsStore;
}
export type Scope = KitScope<Stores>;
export type UnitOfWork = KitUnitOfWork<Stores>;

export interface RoleGrant {
  role: string;
  country: string;
  city: string;
}

/** The user service, through its gRPC contract. */
export interface UserDirectory {
  /** Current roles from the user service's store, or null for an unknown member. */
  roles(userId: string): Promise<{ roles: string[]; assignments: RoleGrant[] } | null>;
  user(userId: string, viewerId: string): Promise<userV1.User | null>;
  search(
    request: Omit<userV1.SearchMembersRequest, 'pageSize'> & { pageSize: number },
  ): Promise<userV1.SearchMembersResponse>;
  setSuspension(request: userV1.SetSuspensionRequest): Promise<userV1.Member>;
  roleAudit(pageToken: string, pageSize: number): Promise<userV1.ListRoleAuditResponse>;
}

/** The content service's ContentModeration. */
export interface ContentModerator {
  item(moderator: contentV1.Moderator, targetType: string, targetId: string): Promise<contentV1.ModerationItem | null>;
  takeDown(moderator: contentV1.Moderator, targetType: string, targetId: string, reason: string): Promise<void>;
  restore(moderator: contentV1.Moderator, targetType: string, targetId: string, reason: string): Promise<void>;
}

export interface ScorecardSource {
  scorecard(organizerId: string): Promise<eventV1.Scorecard | null>;
}
