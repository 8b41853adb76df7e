import { type CursorCodec, cursorBinding, positions } from '@diaspora/service-kit';
import type { AuditEntry } from './audit-model.js';
import type { AuditFilters, UnitOfWork } from './ports.js';
import { type Admin, placeOf } from './scope.js';

export interface AuditQuery {
  actorId?: string;
  targetId?: string;
  targetType?: string;
  action?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export interface AuditView {
  id: string;
  at: string;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  reason?: string;
  details: Record<string, unknown>;
  country?: string;
  city?: string;
  source: string;
}

export function auditView(entry: AuditEntry): AuditView {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    ...(entry.reason ? { reason: entry.reason } : {}),
    details: entry.details,
    ...(entry.country ? { country: entry.country } : {}),
    ...(entry.city ? { city: entry.city } : {}),
    source: entry.source,
  };
}

/** Reading the audit log: newest first, filtered, cursor-paged; ambassadors and consuls see their community's. */
export class AuditLog {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cursors: CursorCodec,
  ) {}

  async list(admin: Admin, query: AuditQuery): Promise<{ items: AuditView[]; nextCursor: string | null }> {
    const { limit, cursor, from, to, ...rest } = query;
    const place = placeOf(admin.scope);
    const filters: AuditFilters = {
      ...rest,
      ...(from ? { from: new Date(from) } : {}),
      ...(to ? { to: new Date(to) } : {}),
      ...(place ? { place } : {}),
    };
    const binding = cursorBinding('audit', admin.id, { ...rest, from, to });
    const after = this.cursors.decodeOptional(cursor, binding, positions.dateAndId);
    const rows = await this.uow.read.audit.list(
      filters,
      after ? { at: new Date(after[0]), id: after[1] } : undefined,
      limit + 1,
    );
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(auditView),
      nextCursor: rows.length > limit && last ? this.cursors.encode(binding, [last.at.toISOString(), last.id]) : null,
    };
  }
}
