import type { userV1 } from '@diaspora/proto';
import { type CursorCodec, cursorBinding, problems } from '@diaspora/service-kit';
import { type AuditView, auditView } from './audit.js';
import type { ScorecardSource, UnitOfWork, UserDirectory } from './ports.js';
import { type Admin, covers, narrow } from './scope.js';

export interface MemberSearch {
  q?: string;
  status?: 'active' | 'suspended';
  role?: string;
  country?: string;
  city?: string;
  originCountry?: string;
  limit: number;
  cursor?: string;
}

export interface MemberView {
  id: string;
  displayName: string;
  email?: string;
  originCountry: string;
  residenceCountry: string;
  residenceCity: string;
  roles: string[];
  assignments: { role: string; country: string; city: string }[];
  tier: string;
  status: string;
  suspendedUntil?: string;
  suspensionReason?: string;
  createdAt: string;
}

function memberView(member: userV1.Member, admin: Admin): MemberView {
  return {
    id: member.id,
    displayName: member.displayName,
    // Emails are for super users only, whatever the user service sent.
    ...(admin.isSuper && member.email ? { email: member.email } : {}),
    originCountry: member.originCountry,
    residenceCountry: member.residenceCountry,
    residenceCity: member.residenceCity,
    roles: member.roles,
    assignments: member.assignments,
    tier: member.tier,
    status: member.status,
    ...(member.suspendedUntil ? { suspendedUntil: member.suspendedUntil } : {}),
    ...(member.suspensionReason ? { suspensionReason: member.suspensionReason } : {}),
    createdAt: member.createdAt,
  };
}

const isToken = (position: unknown): position is string => typeof position === 'string' && position.length < 400;

/** Member search, detail, suspension and reinstatement; each decision lands in the audit log. */
export class Members {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly directory: UserDirectory,
    private readonly scorecards: ScorecardSource,
    private readonly cursors: CursorCodec,
  ) {}

  async search(admin: Admin, query: MemberSearch): Promise<{ items: MemberView[]; nextCursor: string | null }> {
    const { limit, cursor, ...filters } = query;
    const place = narrow(admin.scope, { country: filters.country, city: filters.city });
    const binding = cursorBinding('members', admin.id, filters);
    const pageToken = this.cursors.decodeOptional(cursor, binding, isToken) ?? '';
    const answer = await this.directory.search({
      actorId: admin.id,
      query: filters.q ?? '',
      residenceCountry: place.country ?? '',
      residenceCity: place.city ?? '',
      originCountry: filters.originCountry ?? '',
      role: filters.role ?? '',
      status: filters.status ?? '',
      pageSize: limit,
      pageToken,
    });
    // The user service scopes the search too; this keeps the answer right even if it answered more.
    const items = answer.members
      .filter((member) => covers(admin.scope, { country: member.residenceCountry, city: member.residenceCity }))
      .map((member) => memberView(member, admin));
    return { items, nextCursor: answer.nextPageToken ? this.cursors.encode(binding, answer.nextPageToken) : null };
  }

  /** One member: profile, current roles, suspension, organizer scorecard, and the decisions about them. */
  async detail(admin: Admin, userId: string) {
    const user = await this.directory.user(userId, admin.id);
    if (!user) throw problems.notFound('member');
    const known = await this.uow.read.members.find(userId);
    const where = {
      country: user.residenceCountry ?? known?.residenceCountry ?? null,
      city: user.residenceCity ?? known?.residenceCity ?? null,
    };
    if (!covers(admin.scope, where)) throw problems.forbidden('This member lives outside your scope.');
    const [roles, scorecard, audit, cases] = await Promise.all([
      this.directory.roles(userId),
      user.roles.some((role) => role === 'consul' || role === 'ambassador')
        ? this.scorecards.scorecard(userId)
        : Promise.resolve(null),
      this.uow.read.audit.concerning(userId),
      this.uow.read.cases.concerning(userId),
    ]);
    const status = known?.status ?? 'active';
    // The suspension's reason and end, from the decision that set it (newest first).
    const suspension = audit.find((entry) => entry.targetId === userId && entry.action === 'member.suspended');
    return {
      member: {
        id: user.id,
        displayName: user.displayName,
        originCountry: user.originCountry ?? known?.originCountry ?? '',
        residenceCountry: where.country ?? '',
        residenceCity: where.city ?? '',
        roles: roles?.roles ?? user.roles,
        assignments: roles?.assignments ?? [],
        tier: user.tier,
        status,
        ...(status === 'suspended' && suspension?.reason ? { suspensionReason: suspension.reason } : {}),
        ...(status === 'suspended' && typeof suspension?.details.until === 'string'
          ? { suspendedUntil: suspension.details.until }
          : {}),
        createdAt: user.createdAt,
      } satisfies MemberView,
      roles: roles?.assignments ?? [],
      scorecard: scorecard ? ({ ...scorecard } as Record<string, unknown>) : null,
      audit: audit.slice(0, 50).map(auditView) as AuditView[],
      cases: cases.cases.slice(0, 50).map((record) => ({
        id: record.id,
        targetType: record.targetType,
        targetId: record.targetId,
        status: record.status,
        action: record.resolution?.action ?? null,
        openedAt: record.openedAt.toISOString(),
      })),
    };
  }

  async suspend(admin: Admin, userId: string, input: { reason: string; until?: string }) {
    if (input.until && Date.parse(input.until) <= Date.now())
      throw problems.validation([{ field: 'until', message: 'must be in the future' }]);
    const target = await this.checkTarget(admin, userId, 'suspend');
    const member = await this.directory.setSuspension({
      actorId: admin.id,
      userId,
      suspended: true,
      reason: input.reason,
      until: input.until ?? '',
    });
    await this.record(admin, 'member.suspended', member, input.reason, input.until ? { until: input.until } : {});
    return memberView({ ...member, residenceCountry: member.residenceCountry || target.country }, admin);
  }

  async reinstate(admin: Admin, userId: string, reason?: string) {
    await this.checkTarget(admin, userId, 'reinstate');
    const member = await this.directory.setSuspension({
      actorId: admin.id,
      userId,
      suspended: false,
      reason: reason ?? '',
      until: '',
    });
    await this.record(admin, 'member.reinstated', member, reason, {});
    return memberView(member, admin);
  }

  /**
   * Who may be suspended by whom: never oneself or a super user (409); ambassadors and consuls only by a super
   * user (403); anyone else within the admin's scope (403 outside it).
   */
  async checkTarget(admin: Admin, userId: string, verb: string): Promise<{ country: string; city: string }> {
    if (userId === admin.id) throw problems.conflict(`You cannot ${verb} yourself.`, 'self-suspension');
    const [roles, user] = await Promise.all([this.directory.roles(userId), this.directory.user(userId, admin.id)]);
    if (!roles || !user) throw problems.notFound('member');
    if (roles.roles.includes('super')) throw problems.conflict(`A super user cannot be ${verb}d here.`, 'super-user');
    const where = { country: user.residenceCountry ?? '', city: user.residenceCity ?? '' };
    if (!covers(admin.scope, where)) throw problems.forbidden('This member lives outside your scope.');
    if (!admin.isSuper && roles.roles.some((role) => role === 'ambassador' || role === 'consul'))
      throw problems.forbidden(`Only a super user can ${verb} an ambassador or a consul.`);
    return where;
  }

  private async record(
    admin: Admin,
    action: string,
    member: userV1.Member,
    reason: string | undefined,
    details: Record<string, unknown>,
  ) {
    await this.uow.run(async (scope) => {
      await scope.members.setStatus(member.id, action === 'member.suspended' ? 'suspended' : 'active');
      await scope.audit.append({
        at: new Date(),
        actorId: admin.id,
        action,
        targetType: 'user',
        targetId: member.id,
        ...(reason ? { reason } : {}),
        details,
        ...(member.residenceCountry ? { country: member.residenceCountry } : {}),
        ...(member.residenceCity ? { city: member.residenceCity } : {}),
      });
    });
  }
}
