import { EventUpdated, RegistrationCanceled, RegistrationCreated, RegistrationPromoted } from '@diaspora/events';
import {
  type AccessClaims,
  type CursorCodec,
  cursorBinding,
  newId,
  Problem,
  positions,
  problems,
} from '@diaspora/service-kit';
import { newCheckInCode, qrPayload } from './check-in-codes.js';
import { assertMayManage, type EventRecord, eventContext, isVisibleTo, snapshot } from './event.js';
import type { CancelReason, RegistrationRecord, RegistrationStatus, RoleCheck, Scope, UnitOfWork } from './ports.js';

/**
 * Registration states (see the service README):
 * - `confirmed` holds a seat and has a check-in code;
 * - `pending_payment` (premium events) holds a seat until `holdExpiresAt`; payments.ticket.paid confirms it, an
 *   expired hold is canceled (`payment_expired`) and its seat goes to the waitlist;
 * - `waitlisted` waits for a seat, first come first served;
 * - `canceled` (by the member, the event's cancellation, an expired hold, or account erasure).
 * Every change runs with the event row locked, so seats are counted by one transaction at a time.
 */
export function registrationView(registration: RegistrationRecord, waitlistPosition?: number) {
  return {
    id: registration.id,
    eventId: registration.eventId,
    userId: registration.userId,
    status: registration.status,
    ...(waitlistPosition ? { waitlistPosition } : {}),
    ...(registration.holdExpiresAt ? { holdExpiresAt: registration.holdExpiresAt.toISOString() } : {}),
    ...(registration.checkInCode
      ? { checkInCode: registration.checkInCode, qrPayload: qrPayload(registration.eventId, registration.checkInCode) }
      : {}),
    ...(registration.checkedInAt ? { checkedInAt: registration.checkedInAt.toISOString() } : {}),
    ...(registration.cancelReason ? { cancelReason: registration.cancelReason } : {}),
    createdAt: registration.createdAt.toISOString(),
  };
}

export type RegistrationView = ReturnType<typeof registrationView>;

export class Registrations {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly options: { paymentHoldMinutes: number; cursors: CursorCodec; roles: RoleCheck; now?: () => Date },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async lockOpenEvent(scope: Scope, claims: AccessClaims, eventId: string): Promise<EventRecord> {
    const event = await scope.events.findById(eventId, { forUpdate: true });
    if (!event || !isVisibleTo(claims, event)) throw problems.notFound('event');
    if (event.status === 'canceled') throw problems.conflict('The event was canceled.', 'event-canceled');
    if (event.status === 'draft') throw problems.conflict('The event is not published yet.', 'event-not-published');
    if (event.startsAt <= this.now())
      throw problems.conflict('Registration closed when the event started.', 'registration-closed');
    return event;
  }

  private holdUntil(): Date {
    return new Date(this.now().getTime() + this.options.paymentHoldMinutes * 60_000);
  }

  async register(claims: AccessClaims, eventId: string): Promise<RegistrationView> {
    return this.uow.run(async (scope) => {
      let event = await this.lockOpenEvent(scope, claims, eventId);
      const existing = await scope.registrations.findActive(eventId, claims.sub);
      if (existing)
        throw new Problem(409, {
          type: 'already-registered',
          detail: `You are already registered for this event (${existing.status}).`,
          extensions: { registrationId: existing.id, registrationStatus: existing.status },
        });
      event = await this.releaseExpiredHolds(scope, event);
      const id = newId('reg');
      const hasSeat = event.registeredCount < event.capacity;
      let registration = await scope.registrations.insert({
        id,
        eventId,
        userId: claims.sub,
        status: !hasSeat ? 'waitlisted' : event.type === 'premium' ? 'pending_payment' : 'confirmed',
        holdExpiresAt: hasSeat && event.type === 'premium' ? this.holdUntil() : null,
        paymentId: null,
        checkInCode: hasSeat && event.type !== 'premium' ? newCheckInCode() : null,
      });
      if (registration.status === 'pending_payment') {
        // The ticket may have been paid before registering: honour it now.
        const paymentId = await scope.registrations.takeUnusedTicket(eventId, claims.sub, id);
        if (paymentId)
          registration = await scope.registrations.setStatus(id, 'confirmed', {
            checkInCode: newCheckInCode(),
            paymentId,
          });
        else await scope.jobs.scheduleHoldExpiry(registration);
      }
      event = await scope.events.adjustCounts(eventId, hasSeat ? 1 : 0, hasSeat ? 0 : 1);
      const position =
        registration.status === 'waitlisted' ? await scope.registrations.waitlistPosition(registration) : undefined;
      await scope.publish(RegistrationCreated, {
        registrationId: id,
        userId: claims.sub,
        status: registration.status as 'confirmed' | 'pending_payment' | 'waitlisted',
        ...(position ? { waitlistPosition: position } : {}),
        ...(registration.holdExpiresAt ? { holdExpiresAt: registration.holdExpiresAt.toISOString() } : {}),
        ...eventContext(event),
        at: registration.createdAt.toISOString(),
      });
      if (hasSeat) await this.announceCount(scope, event);
      return registrationView(registration, position);
    });
  }

  async cancel(claims: AccessClaims, eventId: string): Promise<RegistrationView> {
    return this.uow.run(async (scope) => {
      const event = await scope.events.findById(eventId, { forUpdate: true });
      if (!event || !isVisibleTo(claims, event)) throw problems.notFound('event');
      const registration = await scope.registrations.findActive(eventId, claims.sub, { forUpdate: true });
      if (!registration) throw problems.notFound('registration');
      if (event.startsAt <= this.now())
        throw problems.conflict('The event has started; the registration can no longer be canceled.', 'event-started');
      const canceled = await this.end(scope, event, registration, 'member');
      return registrationView(canceled);
    });
  }

  /** Cancels one registration, frees its seat (promoting the waitlist) and announces both. */
  async end(scope: Scope, event: EventRecord, registration: RegistrationRecord, reason: CancelReason) {
    const canceled = await scope.registrations.setStatus(registration.id, 'canceled', { cancelReason: reason });
    const heldSeat = registration.status === 'confirmed' || registration.status === 'pending_payment';
    let current = await scope.events.adjustCounts(event.id, heldSeat ? -1 : 0, heldSeat ? 0 : -1);
    await scope.publish(RegistrationCanceled, {
      registrationId: registration.id,
      userId: registration.userId,
      previousStatus: registration.status as 'confirmed' | 'pending_payment' | 'waitlisted',
      reason,
      ...eventContext(current),
      at: this.now().toISOString(),
    });
    if (heldSeat && reason !== 'event_canceled') {
      current = await this.fillSeats(scope, current);
      await this.announceCount(scope, current);
    }
    return canceled;
  }

  /** Gives free seats to the head of the waitlist, FIFO. Premium seats wait for payment unless already paid. */
  async fillSeats(scope: Scope, event: EventRecord): Promise<EventRecord> {
    if (event.status !== 'published' || event.startsAt <= this.now()) return event;
    const free = event.capacity - event.registeredCount;
    const promoted = await scope.registrations.headOfWaitlist(event.id, free);
    if (promoted.length === 0) return event;
    for (const waiting of promoted) {
      let next: RegistrationRecord;
      if (event.type !== 'premium')
        next = await scope.registrations.setStatus(waiting.id, 'confirmed', { checkInCode: newCheckInCode() });
      else {
        const paymentId = await scope.registrations.takeUnusedTicket(event.id, waiting.userId, waiting.id);
        next = paymentId
          ? await scope.registrations.setStatus(waiting.id, 'confirmed', { checkInCode: newCheckInCode(), paymentId })
          : await scope.registrations.setStatus(waiting.id, 'pending_payment', { holdExpiresAt: this.holdUntil() });
        if (next.status === 'pending_payment') await scope.jobs.scheduleHoldExpiry(next);
      }
      await scope.publish(RegistrationPromoted, {
        registrationId: next.id,
        userId: next.userId,
        status: next.status as 'confirmed' | 'pending_payment',
        previousStatus: 'waitlisted',
        reason: 'seat_freed',
        ...(next.holdExpiresAt ? { holdExpiresAt: next.holdExpiresAt.toISOString() } : {}),
        ...eventContext(event),
        at: this.now().toISOString(),
      });
    }
    return scope.events.adjustCounts(event.id, promoted.length, -promoted.length);
  }

  /** Pending payments past their hold give their seats back (the job does it on time; this catches stragglers). */
  async releaseExpiredHolds(scope: Scope, event: EventRecord): Promise<EventRecord> {
    const expired = await scope.registrations.expiredHolds(event.id, this.now());
    let current = event;
    for (const registration of expired) {
      await scope.registrations.setStatus(registration.id, 'canceled', { cancelReason: 'payment_expired' });
      current = await scope.events.adjustCounts(event.id, -1, 0);
      await scope.publish(RegistrationCanceled, {
        registrationId: registration.id,
        userId: registration.userId,
        previousStatus: 'pending_payment',
        reason: 'payment_expired',
        ...eventContext(current),
        at: this.now().toISOString(),
      });
    }
    if (expired.length === 0) return current;
    current = await this.fillSeats(scope, current);
    await this.announceCount(scope, current);
    return current;
  }

  async expireHold(eventId: string): Promise<void> {
    await this.uow.run(async (scope) => {
      const event = await scope.events.findById(eventId, { forUpdate: true });
      if (event) await this.releaseExpiredHolds(scope, event);
    });
  }

  /**
   * payments.ticket.paid: the ticket is recorded once (by payment id); a seat-holding pending registration is
   * confirmed; otherwise the ticket waits for the member's registration or promotion.
   */
  async ticketPaid(
    scope: Scope,
    ticket: { paymentId: string; eventId: string; userId: string; amountCents: number; currency: string; at: Date },
  ): Promise<'confirmed' | 'kept' | 'duplicate'> {
    const event = await scope.events.findById(ticket.eventId, { forUpdate: true });
    const fresh = await scope.registrations.recordTicket({
      paymentId: ticket.paymentId,
      eventId: ticket.eventId,
      userId: ticket.userId,
      amountCents: ticket.amountCents,
      currency: ticket.currency,
      paidAt: ticket.at,
      registrationId: null,
    });
    if (!fresh) return 'duplicate';
    if (!event) return 'kept';
    const registration = await scope.registrations.findActive(ticket.eventId, ticket.userId, { forUpdate: true });
    if (registration?.status !== 'pending_payment') return 'kept';
    const paymentId = await scope.registrations.takeUnusedTicket(ticket.eventId, ticket.userId, registration.id);
    const confirmed = await scope.registrations.setStatus(registration.id, 'confirmed', {
      checkInCode: newCheckInCode(),
      ...(paymentId ? { paymentId } : {}),
    });
    await scope.publish(RegistrationPromoted, {
      registrationId: confirmed.id,
      userId: confirmed.userId,
      status: 'confirmed',
      previousStatus: 'pending_payment',
      reason: 'payment',
      ...eventContext(event),
      at: this.now().toISOString(),
    });
    return 'confirmed';
  }

  /** The member's live registration status for the event, if any (gRPC GetEvent's viewer). */
  async statusOf(eventId: string, userId: string): Promise<RegistrationStatus | null> {
    return (await this.uow.read.registrations.findActive(eventId, userId))?.status ?? null;
  }

  async mine(claims: AccessClaims, eventId: string): Promise<RegistrationView> {
    const registration = await this.uow.read.registrations.findActive(eventId, claims.sub);
    if (!registration) throw problems.notFound('registration');
    const position =
      registration.status === 'waitlisted'
        ? await this.uow.read.registrations.waitlistPosition(registration)
        : undefined;
    return registrationView(registration, position);
  }

  /** The event's registrations by id, for those who manage it (organizer, ambassador of the country, super). */
  async listForEvent(
    token: AccessClaims,
    eventId: string,
    page: { limit: number; cursor?: string; status?: RegistrationStatus },
  ) {
    const claims = await this.options.roles.confirm(token);
    const event = await this.uow.read.events.findById(eventId);
    if (!event || !isVisibleTo(claims, event)) throw problems.notFound('event');
    assertMayManage(claims, event);
    const { cursors } = this.options;
    const binding = cursorBinding('registrations', event.id, { status: page.status });
    const afterId = cursors.decodeOptional(page.cursor, binding, positions.id);
    const slice = await this.uow.read.registrations.listForEvent(event.id, page.limit, afterId, page.status);
    const items: RegistrationView[] = [];
    for (const registration of slice.items) {
      const position =
        registration.status === 'waitlisted'
          ? await this.uow.read.registrations.waitlistPosition(registration)
          : undefined;
      items.push(registrationView(registration, position));
    }
    const last = slice.items[slice.items.length - 1];
    return { items, nextCursor: slice.hasMore && last ? cursors.encode(binding, last.id) : null };
  }

  private async announceCount(scope: Scope, event: EventRecord): Promise<void> {
    if (event.status !== 'published') return;
    await scope.publish(EventUpdated, { ...snapshot(event), changed: ['registeredCount'] });
  }
}
