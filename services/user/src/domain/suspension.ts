import { UserReinstated, UserSuspended } from '@diaspora/events';
import { type Logger, Problem, problems } from '@diaspora/service-kit';
import { SYSTEM_ACTOR } from './governance.js';
import { adminReach, memberView, reachCovers } from './members.js';
import type { Scope, UnitOfWork } from './ports.js';
import type { GovernanceRole, UserRecord } from './user.js';

const MAX_REASON = 1000;
const SWEEP_BATCH = 100;

const RANK: Record<GovernanceRole, number> = { super: 3, ambassador: 2, consul: 1 };
const rankOf = (user: UserRecord) => Math.max(0, ...user.assignments.map((assignment) => RANK[assignment.role]));

function parseUntil(until: string, now: Date): Date | null {
  if (!until) return null;
  const parsed = new Date(until);
  if (Number.isNaN(parsed.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(until)) {
    throw problems.badRequest('until must be an RFC 3339 date-time');
  }
  if (parsed.getTime() <= now.getTime()) throw problems.badRequest('until must be in the future');
  return parsed;
}

interface SuspensionRequest {
  actorId: string;
  userId: string;
  suspended: boolean;
  reason: string;
  until: string;
}

/**
 * Suspending and reinstating members. The actor's authority is read from the store at the time of the call: a
 * super user acts on anyone, an ambassador on members living in their country, a consul on members of their city;
 * below super, only on members holding a lower role than theirs. Nobody suspends themselves or a super user.
 */
export class SuspensionService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly logger: Logger,
  ) {}

  async set(request: SuspensionRequest) {
    const now = new Date();
    const reason = request.reason.trim();
    if (request.suspended && !reason) throw problems.badRequest('reason is required to suspend');
    if (reason.length > MAX_REASON) throw problems.badRequest(`reason must be at most ${MAX_REASON} characters`);
    const until = request.suspended ? parseUntil(request.until, now) : null;
    return this.uow.run(async (scope) => {
      const actor = await scope.users.findById(request.actorId);
      const reach = actor && actor.status === 'active' ? adminReach(actor) : null;
      if (!actor || !reach) throw problems.forbidden('Only super users, ambassadors and consuls suspend members.');
      const target = await scope.users.lock(request.userId);
      if (!target) throw problems.notFound('user');
      if (target.id === actor.id) {
        throw new Problem(412, { type: 'cannot-suspend-self', detail: 'You cannot suspend or reinstate yourself.' });
      }
      if (request.suspended && target.roles.includes('super')) {
        throw new Problem(412, { type: 'cannot-suspend-super', detail: 'A super user cannot be suspended.' });
      }
      if (!reachCovers(reach, target) || (reach.kind !== 'all' && rankOf(target) >= rankOf(actor))) {
        throw problems.forbidden('This member is outside what your role covers.');
      }
      const updated = request.suspended
        ? await this.suspend(scope, target.id, { reason, until, by: actor.id }, now)
        : await reinstate(scope, target, actor.id, now);
      return memberView(updated, reach.kind === 'all');
    });
  }

  private async suspend(
    scope: Scope,
    userId: string,
    suspension: { reason: string; until: Date | null; by: string },
    now: Date,
  ): Promise<UserRecord> {
    const updated = await scope.members.suspend(userId, suspension);
    if (!updated) throw problems.notFound('user');
    // Refresh tokens die now; access tokens already issued stop at their services via users.user.suspended.
    await scope.sessions.revokeAllOf(userId, 'suspended');
    await scope.publish(UserSuspended, {
      userId,
      reason: suspension.reason,
      ...(suspension.until ? { until: suspension.until.toISOString() } : {}),
      byUserId: suspension.by,
      at: now.toISOString(),
    });
    return updated;
  }

  /** The chore: lifts every suspension whose end passed, in batches, each with its users.user.reinstated. */
  async liftExpired(now = new Date()): Promise<number> {
    let lifted = 0;
    for (;;) {
      const batch = await this.uow.run(async (scope) => {
        const ids = await scope.members.lockExpiredSuspensions(now, SWEEP_BATCH);
        for (const id of ids) {
          const user = await scope.users.findById(id);
          if (user) await reinstate(scope, user, SYSTEM_ACTOR, now);
        }
        return ids.length;
      });
      lifted += batch;
      if (batch < SWEEP_BATCH) break;
    }
    if (lifted) this.logger.info({ lifted }, 'expired suspensions lifted');
    return lifted;
  }
}

/** Lifts a suspension with its event; a member who is not suspended is left as is (no event). */
async function reinstate(scope: Scope, target: UserRecord, byUserId: string, now: Date): Promise<UserRecord> {
  if (target.status !== 'suspended') return target;
  const updated = await scope.members.reinstate(target.id);
  if (!updated) return target;
  await scope.publish(UserReinstated, { userId: target.id, byUserId, at: now.toISOString() });
  return updated;
}
