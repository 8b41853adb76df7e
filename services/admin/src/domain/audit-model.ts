/**
 * The audit log: who decided what about whom, when and why. Entries are never edited; erasure of a member
 * replaces their id with a pseudonym (the decision stays, the person does not).
 */
export interface AuditEntry {
  id: string;
  at: Date;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  reason?: string;
  details: Record<string, unknown>;
  country?: string;
  city?: string;
  /** `admin` (decided here) or `user-service` (its role audit, imported). */
  source: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'source'> & { source?: string; sourceKey?: string };
