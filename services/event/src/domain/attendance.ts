import { CheckinRecorded, RatingSubmitted } from '@diaspora/events';
import { type AccessClaims, newId, Problem, problems } from '@diaspora/service-kit';
import { parseScanned } from './check-in-codes.js';
import { assertMayManage, type EventRecord, eventContext, isVisibleTo } from './event.js';
import type { RegistrationRecord, RoleCheck, Scope, UnitOfWork } from './ports.js';
import { averageOf, type Scores } from './rules.js';

export type BulkOutcome = 'checked_in' | 'already_checked_in' | 'unknown_code' | 'other_event' | 'not_confirmed';

export interface BulkResult {
  code: string;
  outcome: BulkOutcome;
  registrationId?: string;
  userId?: string;
  checkedInAt?: string;
}

/** Check-in at the door and ratings afterwards: who attended, once, and what they thought. */
export class Attendance {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly options: { roles: RoleCheck; now?: () => Date },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async manageable(scope: Scope, claims: AccessClaims, eventId: string): Promise<EventRecord> {
    const event = await scope.events.findById(eventId);
    if (!event || !isVisibleTo(claims, event)) throw problems.notFound('event');
    assertMayManage(claims, event);
    if (event.status !== 'published')
      throw problems.conflict('Only a published event checks people in.', 'event-not-open');
    return event;
  }

  /** One attempt: the outcome, plus the registration it concerns (if any). */
  private async attempt(
    scope: Scope,
    event: EventRecord,
    scanned: string,
    by: string,
    at: Date,
    method: 'scan' | 'bulk',
  ): Promise<{ outcome: BulkOutcome; registration?: RegistrationRecord; code: string }> {
    const { code, eventId } = parseScanned(scanned);
    if (eventId && eventId !== event.id) return { outcome: 'other_event', code };
    const registration = await scope.registrations.findByCode(code);
    if (!registration) return { outcome: 'unknown_code', code };
    if (registration.eventId !== event.id) return { outcome: 'other_event', code };
    if (registration.status !== 'confirmed') return { outcome: 'not_confirmed', registration, code };
    if (registration.checkedInAt) return { outcome: 'already_checked_in', registration, code };
    const checkedIn = await scope.registrations.markCheckedIn(registration.id, by, at);
    if (!checkedIn) return { outcome: 'already_checked_in', registration, code };
    await scope.publish(CheckinRecorded, {
      registrationId: checkedIn.id,
      userId: checkedIn.userId,
      checkedInBy: by,
      checkedInAt: at.toISOString(),
      method,
      ...eventContext(event),
    });
    return { outcome: 'checked_in', registration: checkedIn, code };
  }

  async checkIn(token: AccessClaims, eventId: string, scanned: string) {
    const claims = await this.options.roles.confirm(token);
    return this.uow.run(async (scope) => {
      const event = await this.manageable(scope, claims, eventId);
      const result = await this.attempt(scope, event, scanned, claims.sub, this.now(), 'scan');
      const registration = result.registration;
      switch (result.outcome) {
        case 'checked_in':
          return {
            registrationId: registration!.id,
            userId: registration!.userId,
            checkedInAt: registration!.checkedInAt!.toISOString(),
          };
        case 'already_checked_in':
          throw new Problem(409, {
            type: 'already-checked-in',
            detail: `This registration was already checked in at ${registration!.checkedInAt!.toISOString()}.`,
            extensions: {
              registrationId: registration!.id,
              userId: registration!.userId,
              checkedInAt: registration!.checkedInAt!.toISOString(),
              checkedInBy: registration!.checkedInBy,
            },
          });
        case 'other_event':
          throw new Problem(422, { type: 'code-of-another-event', detail: 'This code belongs to another event.' });
        case 'not_confirmed':
          throw problems.conflict(
            `This registration is ${registration!.status}, not confirmed; it cannot check in.`,
            'registration-not-confirmed',
          );
        default:
          throw new Problem(404, { type: 'unknown-check-in-code', detail: 'No registration has this code.' });
      }
    });
  }

  /**
   * Offline scanners upload what they scanned: every code gets an outcome, none fails the batch. `scannedAt` is
   * kept as the check-in time (never in the future).
   */
  async bulkCheckIn(token: AccessClaims, eventId: string, items: { code: string; scannedAt?: string }[]) {
    const claims = await this.options.roles.confirm(token);
    return this.uow.run(async (scope) => {
      const event = await this.manageable(scope, claims, eventId);
      const now = this.now();
      const results: BulkResult[] = [];
      for (const item of items) {
        const scannedAt = item.scannedAt ? new Date(item.scannedAt) : now;
        const at = new Date(Math.min(scannedAt.getTime(), now.getTime()));
        const { outcome, registration, code } = await this.attempt(scope, event, item.code, claims.sub, at, 'bulk');
        results.push({
          code,
          outcome,
          ...(registration ? { registrationId: registration.id, userId: registration.userId } : {}),
          ...(registration?.checkedInAt || outcome === 'checked_in'
            ? { checkedInAt: (registration?.checkedInAt ?? at).toISOString() }
            : {}),
        });
      }
      const counts = Object.fromEntries(
        (['checked_in', 'already_checked_in', 'unknown_code', 'other_event', 'not_confirmed'] as const).map((o) => [
          o,
          results.filter((result) => result.outcome === o).length,
        ]),
      );
      return { results, counts };
    });
  }

  /**
   * After the event ends, attendees rate it once: those checked in, or — when nobody was checked in at all — those
   * whose registration was confirmed.
   */
  async rate(claims: AccessClaims, eventId: string, scores: Scores) {
    return this.uow.run(async (scope) => {
      const event = await scope.events.findById(eventId);
      if (!event || !isVisibleTo(claims, event)) throw problems.notFound('event');
      if (event.status === 'canceled') throw problems.conflict('A canceled event cannot be rated.', 'event-canceled');
      if (event.endsAt > this.now())
        throw problems.conflict('Ratings open when the event has ended.', 'event-not-ended');
      if (event.organizerId === claims.sub) throw problems.forbidden('Organizers do not rate their own events.');
      const registration = await scope.registrations.findActive(eventId, claims.sub);
      const checkInsHappened = await scope.registrations.anyCheckedIn(eventId);
      const attended = checkInsHappened ? !!registration?.checkedInAt : registration?.status === 'confirmed';
      if (!attended)
        throw new Problem(403, {
          type: 'not-an-attendee',
          detail: checkInsHappened
            ? 'Only participants who checked in can rate this event.'
            : 'Only participants with a confirmed registration can rate this event.',
        });
      const id = newId('rat');
      const inserted = await scope.ratings.insert({
        id,
        eventId,
        userId: claims.sub,
        organizerId: event.organizerId,
        ...scores,
      });
      if (!inserted) throw problems.conflict('You already rated this event.', 'already-rated');
      const average = averageOf(scores);
      const at = this.now().toISOString();
      await scope.publish(RatingSubmitted, {
        ratingId: id,
        userId: claims.sub,
        scores,
        average,
        ...eventContext(event),
        at,
      });
      return { id, eventId, ...scores, average, createdAt: at };
    });
  }

  async summary(claims: AccessClaims | null, eventId: string) {
    const event = await this.uow.read.events.findById(eventId);
    if (!event || !isVisibleTo(claims, event)) throw problems.notFound('event');
    return { eventId, ...(await this.uow.read.ratings.summary(eventId)) };
  }
}
