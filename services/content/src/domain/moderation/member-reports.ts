import type { EventData, MemberReported } from '@diaspora/events';
import { newId, problems } from '@diaspora/service-kit';
import type { Viewer } from '../model.js';

/**
 * Reports of a member (their behaviour, not one post): checked here and handed to the admin moderation queue as
 * content.member.reported. Nothing is stored in this service; the queue counts each reporter once per case.
 */
export class MemberReports {
  constructor(
    private readonly deps: {
      exists(userId: string): Promise<boolean>;
      publish(data: EventData<typeof MemberReported>): Promise<void>;
    },
  ) {}

  async report(viewer: Viewer, input: { targetId: string; reason: string }) {
    if (input.targetId === viewer.id) throw problems.badRequest('You cannot report yourself.', 'own-content');
    if (!(await this.deps.exists(input.targetId))) throw problems.notFound('user');
    const createdAt = new Date();
    const id = newId('rpt');
    await this.deps.publish({
      reportId: id,
      userId: input.targetId,
      reporterId: viewer.id,
      reason: input.reason,
      at: createdAt.toISOString(),
    });
    return { id, targetType: 'user' as const, targetId: input.targetId, reason: input.reason, createdAt };
  }
}
