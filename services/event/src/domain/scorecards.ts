import { type AccessClaims, hasRole, problems } from '@diaspora/service-kit';
import type { Directory, OrganizerRole, UnitOfWork } from './ports.js';
import { quotaStanding } from './rules.js';

export interface ScorecardOptions {
  /** A number, or read per scorecard (the quota is a platform setting an admin changes at run time). */
  quota: number | (() => Promise<number>);
  /** MM-DD */
  flagDate: string;
  now?: () => Date;
}

/**
 * Organizer scorecards (spec §9): local events held in a calendar year against the consul quota, average ratings
 * overall and per month, and a flag when a consul is behind quota after the configured day of the year.
 */
export class Scorecards {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly directory: Directory,
    private readonly options: ScorecardOptions,
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The consul appointment: the read model first, the user service when the event has not reached us yet. */
  private async consulScope(userId: string): Promise<{ country: string; city: string | null } | null> {
    const known = await this.uow.read.roles.find(userId, 'consul');
    if (known) return known;
    try {
      return await this.directory.consulScope(userId);
    } catch {
      return null;
    }
  }

  async forOrganizer(organizerId: string, year?: number, scope?: { country: string; city: string | null } | null) {
    const now = this.now();
    const calendarYear = year ?? now.getUTCFullYear();
    const from = new Date(Date.UTC(calendarYear, 0, 1));
    const to = new Date(Date.UTC(calendarYear + 1, 0, 1));
    const consul = scope === undefined ? await this.consulScope(organizerId) : scope;
    const place = consul ?? (await this.uow.read.events.usualPlace(organizerId));
    const [{ held, scheduled }, averages, monthly] = await Promise.all([
      this.uow.read.events.countLocal(organizerId, from, to, now),
      this.uow.read.ratings.organizerAverages(organizerId, from, to),
      this.uow.read.ratings.organizerMonthly(organizerId, from, to),
    ]);
    const configured = this.options.quota;
    const quota = consul ? (typeof configured === 'function' ? await configured() : configured) : null;
    const standing = quotaStanding({
      year: calendarYear,
      now,
      held,
      scheduled,
      quota,
      flagDate: this.options.flagDate,
    });
    return {
      organizerId,
      year: calendarYear,
      ...(place?.country ? { country: place.country } : {}),
      ...(place?.city ? { city: place.city } : {}),
      isConsul: consul !== null,
      eventsHeld: held,
      eventsScheduled: scheduled,
      quota,
      behindQuota: standing.behindQuota,
      flagged: standing.flagged,
      flagDate: standing.flagDay.toISOString().slice(0, 10),
      averages,
      monthly,
    };
  }

  /** The organizer themself, a super user, or the ambassador of the organizer's country. */
  async view(claims: AccessClaims, organizerId: string, year?: number) {
    const consul = await this.consulScope(organizerId);
    const country = consul?.country ?? (await this.uow.read.events.usualPlace(organizerId))?.country;
    const allowed =
      claims.sub === organizerId ||
      hasRole(claims, 'super') ||
      (hasRole(claims, 'ambassador') && !!country && claims.country === country);
    if (!allowed)
      throw problems.forbidden(
        "Only the organizer, the ambassador of the organizer's country or a super user may see this.",
      );
    return this.forOrganizer(organizerId, year, consul);
  }

  /** The scorecards of the consuls of a country: for its ambassador (their own country) or a super user. */
  async ofCountry(claims: AccessClaims, country: string | undefined, year?: number) {
    const target = country ?? claims.country;
    if (!target) throw problems.validation([{ field: 'country', message: 'is required' }]);
    const ambassadorHere = hasRole(claims, 'ambassador') && claims.country === target;
    if (!ambassadorHere && !hasRole(claims, 'super'))
      throw problems.forbidden('Only the ambassador of this country or a super user may list its scorecards.');
    const consuls: OrganizerRole[] = await this.uow.read.roles.consulsIn(target);
    const items = [];
    for (const consul of consuls) items.push(await this.forOrganizer(consul.userId, year, consul));
    return { country: target, items };
  }
}
