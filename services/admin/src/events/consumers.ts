import {
  ContentFlagged,
  ContentHeld,
  type EventData,
  MemberReported,
  MessageReported,
  ReportCreated,
  RoleAppointed,
  RoleRevoked,
  UserProfileUpdated,
  UserReinstated,
  UserSuspended,
} from '@diaspora/events';
import { consumer, type Database, type EventConsumer, idempotentConsumer, type Logger } from '@diaspora/service-kit';
import type { CaseSignal } from '../domain/case-model.js';
import type { Scope, UnitOfWork } from '../domain/ports.js';
import { analyticsConsumers } from './analytics-consumers.js';

/** Where a member lives, from the members read model, for cases whose event does not say. */
async function placeOfMember(scope: Scope, userId: string) {
  const member = await scope.members.find(userId);
  return member
    ? {
        ...(member.residenceCountry ? { country: member.residenceCountry } : {}),
        ...(member.originCountry ? { originCountry: member.originCountry } : {}),
        ...(member.residenceCity ? { city: member.residenceCity } : {}),
      }
    : {};
}

/**
 * What this service listens to; each handler runs once per event (processed_events, same transaction).
 * users.user.deleted is the kit's (the `userData` part erases in its transaction).
 */
export function adminConsumers(deps: {
  db: Database;
  uow: UnitOfWork;
  logger: Logger;
  /** Copies the user service's role audit now (role events say it has something new). */
  syncRoleAudit: () => Promise<unknown>;
}): EventConsumer[] {
  const { db, uow, logger } = deps;
  const signal = (
    name: string,
    event: Parameters<typeof idempotentConsumer>[2],
    toSignal: (scope: Scope, data: never) => Promise<CaseSignal>,
  ) =>
    idempotentConsumer(db, name, event, async (tx, data) => {
      const scope = uow.scopeFor(tx);
      await scope.cases.signal(await toSignal(scope, data as never));
    });
  return [
    ...analyticsConsumers(deps),
    idempotentConsumer(db, 'profile-updated', UserProfileUpdated, async (tx, data) => {
      await uow.scopeFor(tx).members.upsert({
        userId: data.userId,
        displayName: data.displayName,
        originCountry: data.originCountry,
        residenceCountry: data.residenceCountry,
        residenceCity: data.residenceCity,
      });
    }),
    idempotentConsumer(db, 'user-suspended', UserSuspended, async (tx, data) => {
      await uow.scopeFor(tx).members.setStatus(data.userId, 'suspended');
    }),
    idempotentConsumer(db, 'user-reinstated', UserReinstated, async (tx, data) => {
      await uow.scopeFor(tx).members.setStatus(data.userId, 'active');
    }),
    signal('report-created', ReportCreated, async (scope, data: EventData<typeof ReportCreated>) => ({
      targetType: data.targetType,
      targetId: data.targetId,
      authorId: data.targetAuthorId,
      report: { id: data.reportId, reporterId: data.reporterId, reason: data.reason },
      place: await placeOfMember(scope, data.targetAuthorId),
      at: new Date(data.at),
    })),
    signal('content-flagged', ContentFlagged, async (_scope, data: EventData<typeof ContentFlagged>) => ({
      targetType: data.targetType,
      targetId: data.targetId,
      authorId: data.authorId,
      flag: {
        source: data.source,
        ...(data.score !== undefined ? { score: data.score } : {}),
        labels: data.labels ?? [],
      },
      place: { country: data.residenceCountry, originCountry: data.originCountry, city: data.residenceCity },
      at: new Date(data.at),
    })),
    signal('content-held', ContentHeld, async (_scope, data: EventData<typeof ContentHeld>) => ({
      targetType: data.targetType,
      targetId: data.targetId,
      authorId: data.authorId,
      flag: { source: 'held', score: data.score, labels: data.labels },
      place: { country: data.residenceCountry, originCountry: data.originCountry, city: data.residenceCity },
      at: new Date(data.at),
    })),
    signal('member-reported', MemberReported, async (scope, data: EventData<typeof MemberReported>) => ({
      targetType: 'user',
      targetId: data.userId,
      authorId: data.userId,
      report: { id: data.reportId, reporterId: data.reporterId, reason: data.reason },
      place: await placeOfMember(scope, data.userId),
      at: new Date(data.at),
    })),
    signal('message-reported', MessageReported, async (scope, data: EventData<typeof MessageReported>) => ({
      targetType: 'message',
      targetId: data.messageId,
      authorId: data.senderId,
      report: { id: data.reportId, reporterId: data.reporterId, reason: data.reason },
      place: await placeOfMember(scope, data.senderId),
      // Kept for the moderators of this case only (GDPR erasure of either member removes it).
      evidence: { conversationId: data.conversationId, reporterId: data.reporterId, message: data.message },
      at: new Date(data.at),
    })),
    ...[RoleAppointed, RoleRevoked].map((event) =>
      consumer(`role-audit-${event.subject.split('.').at(-1)}`, event, async () => {
        await deps.syncRoleAudit().catch((error: unknown) => logger.warn({ err: error }, 'role audit sync failed'));
      }),
    ),
  ];
}
