import { createHmac } from 'node:crypto';
import { auditView } from './audit.js';
import type { Scope, UnitOfWork } from './ports.js';

/**
 * GDPR: the admin records about a member (decisions they made or that concern them, cases about them, reports
 * they filed) are exported; erasure pseudonymizes their id in decisions (the decision stays, the person does
 * not), drops the reports they filed and their activity rows.
 */
export class AdminUserData {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly pseudonymSecret: string,
  ) {}

  pseudonym(userId: string): string {
    return `erased_${createHmac('sha256', this.pseudonymSecret).update(userId).digest('hex').slice(0, 24)}`;
  }

  async export(userId: string) {
    const [audit, cases] = await Promise.all([
      this.uow.read.audit.concerning(userId),
      this.uow.read.cases.concerning(userId),
    ]);
    return {
      decisions: audit.map(auditView),
      casesAboutYou: cases.cases
        .filter((record) => record.authorId === userId)
        .map((record) => ({
          id: record.id,
          targetType: record.targetType,
          targetId: record.targetId,
          status: record.status,
          openedAt: record.openedAt.toISOString(),
          resolution: record.resolution ? { ...record.resolution, at: record.resolution.at.toISOString() } : null,
          appeal: record.appeal ? { ...record.appeal, at: record.appeal.at.toISOString() } : null,
        })),
      reportsYouFiled: cases.reports.map((report) => ({ ...report, at: report.at.toISOString() })),
    };
  }

  async erase(scope: Scope, userId: string): Promise<void> {
    const pseudonym = this.pseudonym(userId);
    await scope.audit.pseudonymize(userId, pseudonym);
    await scope.cases.erase(userId, pseudonym);
    await scope.analytics.forget(userId);
    await scope.members.remove(userId);
  }
}
