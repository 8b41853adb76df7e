import {
  AdminContentRestored,
  AdminContentTakenDown,
  AdminMemberWarned,
  AdminMessageTakenDown,
  AdminReportResolved,
} from '@diaspora/events';
import { type CursorCodec, cursorBinding, isUnavailableError, problems } from '@diaspora/service-kit';
import { actionFits, type CaseAction, type CaseRecord, type CaseStatus, type CaseTarget } from './case-model.js';
import type { Members } from './members.js';
import type { CasePosition, ContentModerator, Scope, UnitOfWork, UserDirectory } from './ports.js';
import { type Admin, covers, moderatorOf, placeOf } from './scope.js';

export interface CaseView {
  id: string;
  targetType: CaseTarget;
  targetId: string;
  authorId?: string;
  reasons: string[];
  reportCount: number;
  score: number;
  labels: string[];
  status: CaseStatus;
  openedAt: string;
  country?: string;
  city?: string;
  /** What was reported, for review only: the post/comment text, or the reported chat message. */
  preview?: { text: string; state?: string; type?: string; createdAt?: string };
  resolution?: { action: CaseAction; by: string; at: string; reason: string; appeal: boolean };
  appeal?: { statement: string; at: string };
}

const CONTENT: CaseTarget[] = ['post', 'comment'];

const isPosition = (p: unknown): p is [number, string, string] =>
  Array.isArray(p) &&
  p.length === 3 &&
  typeof p[0] === 'number' &&
  typeof p[1] === 'string' &&
  !Number.isNaN(Date.parse(p[1])) &&
  typeof p[2] === 'string';

/**
 * The one moderation queue: reports and filter flags of posts and comments (content events), reports of members
 * and chat messages; ranked by priority then age; decisions carried out by the owning service, published and
 * audited; one appeal per case by the member it concerns.
 */
export class ModerationQueue {
  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      content: ContentModerator;
      directory: UserDirectory;
      members: Members;
      cursors: CursorCodec;
    },
  ) {}

  async list(admin: Admin, query: { status: CaseStatus; targetType?: string; limit: number; cursor?: string }) {
    const { uow, cursors } = this.deps;
    const place = placeOf(admin.scope);
    const binding = cursorBinding('reports', admin.id, { status: query.status, targetType: query.targetType });
    const after = cursors.decodeOptional(query.cursor, binding, isPosition);
    const position: CasePosition | undefined = after
      ? { priority: after[0], openedAt: new Date(after[1]), id: after[2] }
      : undefined;
    const rows = await uow.read.cases.list(
      {
        status: query.status,
        ...(query.targetType ? { targetType: query.targetType } : {}),
        ...(place ? { place } : {}),
      },
      position,
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit);
    const items = await this.views(admin, page);
    const last = page.at(-1);
    return {
      items,
      nextCursor:
        rows.length > query.limit && last
          ? cursors.encode(binding, [last.priority, last.openedAt.toISOString(), last.id])
          : null,
    };
  }

  async get(admin: Admin, id: string): Promise<CaseView> {
    const record = await this.load(admin, id);
    const [view] = await this.views(admin, [record]);
    return view!;
  }

  private async load(admin: Admin, id: string): Promise<CaseRecord> {
    const record = await this.deps.uow.read.cases.find(id);
    if (!record) throw problems.notFound('report');
    if (!covers(admin.scope, record)) throw problems.forbidden('This report is outside your scope.');
    return record;
  }

  /** Decides a case: the owning service applies it first, then the decision is recorded, audited and published. */
  async resolve(admin: Admin, id: string, input: { action: CaseAction; reason?: string; until?: string }) {
    const record = await this.load(admin, id);
    if (record.status !== 'open') throw problems.conflict('This report was already decided.', 'report-resolved');
    if (!actionFits(input.action, record.targetType))
      throw problems.validation([
        { field: 'action', message: `${input.action} does not apply to a ${record.targetType}` },
      ]);
    const reason = input.reason?.trim() || `${input.action} (report ${record.id})`;
    await this.apply(admin, record, input.action, reason, input.until);
    const at = new Date();
    const appeal = record.appeal !== null;
    const resolved = await this.deps.uow.run(async (scope) => {
      const current = await scope.cases.find(id, { forUpdate: true });
      if (current?.status !== 'open') throw problems.conflict('This report was already decided.', 'report-resolved');
      const done = await scope.cases.resolve(id, { action: input.action, by: admin.id, at, reason, appeal });
      await scope.audit.append({
        at,
        actorId: admin.id,
        action: `report.${pastTense(input.action)}`,
        targetType: record.targetType,
        targetId: record.targetId,
        reason,
        details: {
          caseId: record.id,
          ...(record.authorId ? { authorId: record.authorId } : {}),
          reportCount: record.reportCount,
          appeal,
          ...(input.until ? { until: input.until } : {}),
        },
        ...(record.country ? { country: record.country } : {}),
        ...(record.city ? { city: record.city } : {}),
      });
      await this.publish(scope, admin, record, input.action, reason, appeal, at);
      return done;
    });
    return this.get(admin, resolved.id);
  }

  /** What the decision does outside this service (content state, suspension); idempotent where it repeats. */
  private async apply(admin: Admin, record: CaseRecord, action: CaseAction, reason: string, until?: string) {
    const moderator = moderatorOf(admin);
    if (CONTENT.includes(record.targetType)) {
      const gone = (error: unknown) => {
        // Deleted by its author meanwhile: nothing left to take down or restore; the decision still stands.
        if ((error as { status?: number }).status === 404) return;
        throw error;
      };
      if (action === 'takedown' || action === 'suspend')
        await this.deps.content.takeDown(moderator, record.targetType, record.targetId, reason).catch(gone);
      if (action === 'restore' || action === 'dismiss')
        await this.deps.content.restore(moderator, record.targetType, record.targetId, reason).catch(gone);
    }
    if (action === 'suspend') {
      if (!record.authorId) throw problems.conflict('Nobody to suspend: the report names no author.', 'no-author');
      await this.deps.members.suspend(admin, record.authorId, { reason, ...(until ? { until } : {}) });
    }
  }

  private async publish(
    scope: Scope,
    admin: Admin,
    record: CaseRecord,
    action: CaseAction,
    reason: string,
    appeal: boolean,
    at: Date,
  ) {
    const iso = at.toISOString();
    const short = reason.slice(0, 1000);
    await scope.publish(AdminReportResolved, {
      caseId: record.id,
      targetType: record.targetType,
      targetId: record.targetId,
      ...(record.authorId ? { authorId: record.authorId } : {}),
      action,
      moderatorId: admin.id,
      reason: short,
      appeal,
      at: iso,
    });
    if (record.targetType === 'post' || record.targetType === 'comment') {
      const decision = {
        targetType: record.targetType,
        targetId: record.targetId,
        moderatorId: admin.id,
        reason: short,
        reportId: record.id,
        at: iso,
      };
      if (action === 'takedown' || action === 'suspend') await scope.publish(AdminContentTakenDown, decision);
      if (action === 'restore' || action === 'dismiss') await scope.publish(AdminContentRestored, decision);
    }
    if (record.targetType === 'message' && (action === 'takedown' || action === 'suspend') && record.evidence) {
      await scope.publish(AdminMessageTakenDown, {
        messageId: record.targetId,
        conversationId: String(record.evidence.conversationId ?? ''),
        senderId: record.authorId ?? '',
        caseId: record.id,
        moderatorId: admin.id,
        reason: short,
        at: iso,
      });
    }
    if (action === 'warn' && record.authorId)
      await scope.publish(AdminMemberWarned, {
        userId: record.authorId,
        caseId: record.id,
        moderatorId: admin.id,
        reason: short,
        at: iso,
      });
  }

  /** The decided cases about a member, which they may appeal (once each). */
  async decisionsAbout(userId: string) {
    const { cases } = await this.deps.uow.read.cases.concerning(userId);
    return {
      items: cases
        .filter((record) => record.resolution && record.authorId === userId)
        .map((record) => ({
          id: record.id,
          targetType: record.targetType,
          targetId: record.targetId,
          status: record.status,
          action: record.resolution!.action,
          reason: record.resolution!.reason,
          decidedAt: record.resolution!.at.toISOString(),
          appealable: record.status === 'resolved' && !record.appeal && record.resolution!.action !== 'dismiss',
          ...(record.appeal
            ? { appeal: { statement: record.appeal.statement, at: record.appeal.at.toISOString() } }
            : {}),
        })),
    };
  }

  /** The author contests a decision: the case goes back to the queue with their statement, once. */
  async appeal(userId: string, caseId: string, statement: string) {
    return this.deps.uow.run(async (scope) => {
      const record = await scope.cases.find(caseId, { forUpdate: true });
      // Someone else's case is not found: its existence is not theirs to learn.
      if (!record || record.authorId !== userId || !record.resolution) throw problems.notFound('decision');
      if (record.appeal) throw problems.conflict('This decision was already appealed.', 'already-appealed');
      if (record.status !== 'resolved' || record.resolution.action === 'dismiss')
        throw problems.conflict('There is nothing to appeal in this decision.', 'not-appealable');
      const at = new Date();
      const reopened = await scope.cases.reopenForAppeal(caseId, { by: userId, statement, at });
      await scope.audit.append({
        at,
        actorId: userId,
        action: 'report.appealed',
        targetType: record.targetType,
        targetId: record.targetId,
        reason: statement,
        details: { caseId, decision: record.resolution.action },
        ...(record.country ? { country: record.country } : {}),
        ...(record.city ? { city: record.city } : {}),
      });
      return { id: reopened.id, status: reopened.status, appeal: { statement, at: at.toISOString() } };
    });
  }

  private async views(admin: Admin, records: CaseRecord[]): Promise<CaseView[]> {
    const reasons = await this.deps.uow.read.cases.reasons(records.map((record) => record.id));
    const moderator = moderatorOf(admin);
    // Previews of posts and comments come from the content service; a failed lookup leaves the preview out.
    const previews = await Promise.all(
      records.map(async (record) => {
        if (record.targetType === 'message' && record.evidence) {
          const message = record.evidence.message as { body?: string; type?: string; createdAt?: string } | undefined;
          return message?.body !== undefined
            ? {
                text: message.body,
                ...(message.type ? { type: message.type } : {}),
                ...(message.createdAt ? { createdAt: message.createdAt } : {}),
              }
            : undefined;
        }
        if (!CONTENT.includes(record.targetType)) return undefined;
        try {
          const item = await this.deps.content.item(moderator, record.targetType, record.targetId);
          return item ? { text: item.text, state: item.state, createdAt: item.createdAt } : undefined;
        } catch (error) {
          if (isUnavailableError(error) || (error as { status?: number }).status) return undefined;
          throw error;
        }
      }),
    );
    return records.map((record, index) => ({
      id: record.id,
      targetType: record.targetType,
      targetId: record.targetId,
      ...(record.authorId ? { authorId: record.authorId } : {}),
      reasons: reasons.get(record.id) ?? (record.flagSource ? [`flagged by ${record.flagSource}`] : []),
      reportCount: record.reportCount,
      score: record.score,
      labels: record.labels,
      status: record.status,
      openedAt: record.openedAt.toISOString(),
      ...(record.country ? { country: record.country } : {}),
      ...(record.city ? { city: record.city } : {}),
      ...(previews[index] ? { preview: previews[index] } : {}),
      ...(record.resolution ? { resolution: { ...record.resolution, at: record.resolution.at.toISOString() } } : {}),
      ...(record.appeal ? { appeal: { statement: record.appeal.statement, at: record.appeal.at.toISOString() } } : {}),
    }));
  }
}

function pastTense(action: CaseAction): string {
  return { dismiss: 'dismissed', takedown: 'takedown', restore: 'restored', warn: 'warned', suspend: 'suspended' }[
    action
  ];
}
