import { RoleAppointed, RoleRevoked, TierChanged } from '@diaspora/events';
import { type CursorCodec, cursorBinding, newId, problems } from '@diaspora/service-kit';
import { publishRegistered } from './auth.js';
import { idPage } from './paging.js';
import { type AssignmentRecord, RoleTakenError, type Scope, type UnitOfWork } from './ports.js';
import type { ProfileService } from './profile.js';
import type { GovernanceRole } from './user.js';

/** Who appoints "system" roles (the bootstrapped super user) in the audit and in events. */
export const SYSTEM_ACTOR = 'system';

export function assignmentView(assignment: AssignmentRecord) {
  return {
    id: assignment.id,
    userId: assignment.userId,
    role: assignment.role,
    ...(assignment.country ? { country: assignment.country } : {}),
    ...(assignment.city ? { city: assignment.city } : {}),
    appointedBy: assignment.appointedBy,
    appointedAt: assignment.appointedAt.toISOString(),
  };
}

const collapse = (text: string) => text.trim().replace(/\s+/g, ' ');

/**
 * The role hierarchy: a super user appoints and revokes ambassadors (per country); an ambassador appoints and
 * revokes consuls for cities of their own country (a super user may too). Authority is read from the store, never
 * from the caller's token, so a revoked ambassador cannot act on a token that has not expired yet. Every change
 * is audited and published in the transaction that makes it.
 */
export class GovernanceService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly profiles: ProfileService,
    private readonly cursors: CursorCodec,
  ) {}

  private async authority(actorId: string) {
    const actor = await this.uow.read.users.findById(actorId);
    const held = (role: GovernanceRole) => actor?.assignments.find((assignment) => assignment.role === role);
    return { isSuper: !!held('super'), ambassadorOf: held('ambassador')?.country ?? null };
  }

  async appointAmbassador(actorId: string, input: { userId: string; country: string }) {
    if (!(await this.authority(actorId)).isSuper) throw problems.forbidden('Only a super user appoints ambassadors.');
    return this.appoint(actorId, { userId: input.userId, role: 'ambassador', country: input.country, city: null });
  }

  async appointConsul(actorId: string, input: { userId: string; country: string; city: string }) {
    const city = collapse(input.city);
    if (!city) throw problems.validation([{ field: 'city', message: 'must not be blank' }]);
    const { isSuper, ambassadorOf } = await this.authority(actorId);
    if (!isSuper && ambassadorOf !== input.country) {
      throw problems.forbidden(
        ambassadorOf
          ? `You are the ambassador of ${ambassadorOf}; you can only appoint consuls for cities of ${ambassadorOf}.`
          : 'Only an ambassador of this country (or a super user) appoints consuls.',
      );
    }
    return this.appoint(actorId, { userId: input.userId, role: 'consul', country: input.country, city });
  }

  async revokeAmbassador(actorId: string, userId: string): Promise<void> {
    if (!(await this.authority(actorId)).isSuper) throw problems.forbidden('Only a super user revokes ambassadors.');
    await this.revoke(actorId, userId, 'ambassador', async () => undefined);
  }

  async revokeConsul(actorId: string, userId: string): Promise<void> {
    const { isSuper, ambassadorOf } = await this.authority(actorId);
    await this.revoke(actorId, userId, 'consul', async (assignment) => {
      if (!isSuper && ambassadorOf !== assignment.country) {
        throw problems.forbidden(`Only an ambassador of ${assignment.country} (or a super user) revokes this consul.`);
      }
    });
  }

  async list(viewerId: string, role: 'ambassador' | 'consul', filter: { country?: string; city?: string }) {
    const assignments = await this.uow.read.roles.listActive(role, filter);
    const views = new Map(
      (
        await this.profiles.viewsFor(
          viewerId,
          assignments.map((a) => a.userId),
        )
      ).map((view) => [view.id, view]),
    );
    return assignments.flatMap((assignment) => {
      const user = views.get(assignment.userId);
      return user ? [{ ...assignmentView(assignment), user }] : [];
    });
  }

  /**
   * The role audit newest first: one member's appointments and revocations, or everyone's (`userId` null). Who
   * may read which is the caller's business (the admin service scopes it before asking).
   */
  async auditPage(userId: string | null, pageSize: number, pageToken: string) {
    const binding = cursorBinding('role-audit', userId ?? '*');
    const fetch = (after: string | null, limit: number) => this.uow.read.roles.auditPage(userId, { after, limit });
    const { items, nextCursor } = await idPage(this.cursors, binding, pageToken, pageSize, fetch, (entry) => entry.id);
    return {
      entries: items.map((entry) => ({
        at: entry.at.toISOString(),
        actorId: entry.actorId,
        action: entry.action,
        userId: entry.userId,
        role: entry.role,
        country: entry.country ?? '',
        city: entry.city ?? '',
      })),
      nextPageToken: nextCursor ?? '',
    };
  }

  private appoint(
    actorId: string,
    input: { userId: string; role: 'ambassador' | 'consul'; country: string; city: string | null },
  ) {
    return this.uow.run(async (scope) => {
      if (!(await scope.users.lock(input.userId))) throw problems.notFound('user');
      const other = input.role === 'ambassador' ? 'consul' : 'ambassador';
      if (await scope.roles.findActive(input.userId, other)) {
        throw problems.conflict(`This member is already a ${other}; revoke that first.`, 'holds-other-role');
      }
      try {
        return assignmentView(await grant(scope, { ...input, appointedBy: actorId }));
      } catch (error) {
        if (error instanceof RoleTakenError) {
          throw problems.conflict(`This member is already a ${input.role}; revoke that first.`, 'already-appointed');
        }
        throw error;
      }
    });
  }

  private async revoke(
    actorId: string,
    userId: string,
    role: 'ambassador' | 'consul',
    authorize: (assignment: AssignmentRecord) => Promise<void>,
  ): Promise<void> {
    await this.uow.run(async (scope) => {
      const assignment = await scope.roles.findActive(userId, role);
      if (!assignment) throw problems.notFound(`${role} appointment`);
      await authorize(assignment);
      await withdraw(scope, assignment, actorId);
    });
  }
}

/** Writes an appointment with its audit entry, refreshes the member's roles and publishes users.role.appointed. */
export async function grant(
  scope: Scope,
  input: { userId: string; role: GovernanceRole; country: string | null; city: string | null; appointedBy: string },
): Promise<AssignmentRecord> {
  const assignment = await scope.roles.appoint({ id: newId('rol'), ...input });
  await scope.roles.audit({ action: 'appointed', assignment, actorId: input.appointedBy });
  await scope.users.refreshRoles(input.userId);
  await scope.publish(RoleAppointed, {
    userId: input.userId,
    role: input.role,
    ...(input.country ? { country: input.country } : {}),
    ...(input.city ? { city: input.city } : {}),
    byUserId: input.appointedBy,
    at: assignment.appointedAt.toISOString(),
  });
  return assignment;
}

/** Ends an appointment with its audit entry and users.role.revoked; the roles array follows at once. */
export async function withdraw(scope: Scope, assignment: AssignmentRecord, actorId: string): Promise<void> {
  await scope.roles.revoke(assignment.id, actorId);
  await scope.roles.audit({ action: 'revoked', assignment, actorId });
  await scope.users.refreshRoles(assignment.userId);
  await scope.publish(RoleRevoked, {
    userId: assignment.userId,
    role: assignment.role,
    ...(assignment.country ? { country: assignment.country } : {}),
    ...(assignment.city ? { city: assignment.city } : {}),
    byUserId: actorId,
    at: new Date().toISOString(),
  });
}

/**
 * Creates (or promotes) the configured super user. Safe to run on every boot and from several replicas at once:
 * an existing account keeps its password, and an existing appointment is left as it is.
 */
export async function bootstrapSuperUser(
  scope: Scope,
  input: { email: string; passwordHash: string; country: string; city: string },
): Promise<{ userId: string; created: boolean; promoted: boolean }> {
  const email = input.email.trim().toLowerCase();
  let user = await scope.users.findByEmail(email);
  const created = !user;
  if (!user) {
    user = await scope.users.insert({
      id: newId('usr'),
      email,
      passwordHash: input.passwordHash,
      emailVerified: true,
      displayName: 'Platform administrator',
      bio: null,
      avatarUrl: null,
      originCountry: input.country,
      residenceCountry: input.country,
      residenceCity: input.city,
      languages: ['en'],
      domains: [],
    });
    await publishRegistered(scope, user);
  }
  if (await scope.roles.findActive(user.id, 'super')) return { userId: user.id, created, promoted: false };
  await grant(scope, { userId: user.id, role: 'super', country: null, city: null, appointedBy: SYSTEM_ACTOR });
  return { userId: user.id, created, promoted: true };
}

/**
 * Applies one payments.subscription.* event: the latest state per subscription wins (older redeliveries are
 * ignored), the member is premium while any subscription is active, and users.tier.changed follows real changes.
 */
export async function applySubscription(
  scope: Scope,
  event: { subscriptionId: string; userId: string; at: string },
  active: boolean,
): Promise<void> {
  const user = await scope.users.lock(event.userId);
  if (!user) return; // unknown or erased member: nothing to change
  const applied = await scope.roles.recordSubscription({
    subscriptionId: event.subscriptionId,
    userId: event.userId,
    active,
    at: new Date(event.at),
  });
  if (!applied) return;
  const tier = (await scope.roles.hasActiveSubscription(event.userId)) ? 'premium' : 'free';
  if (tier === user.tier) return;
  await scope.users.setTier(event.userId, tier);
  await scope.users.refreshRoles(event.userId);
  await scope.publish(TierChanged, { userId: event.userId, tier, at: new Date().toISOString() });
}
