import { Type } from 'typebox';
import { defineEvent } from './define.js';

/**
 * What consumers (content feed, search, notifications, admin analytics) know of an event: enough to list,
 * filter and rank it without calling the event service.
 */
export const EventSnapshot = Type.Object({
  eventId: Type.String(),
  title: Type.String(),
  domain: Type.String(),
  type: Type.Enum(['free', 'premium', 'national', 'local']),
  status: Type.Enum(['draft', 'published', 'canceled']),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  timezone: Type.String(),
  country: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  lat: Type.Optional(Type.Number()),
  lon: Type.Optional(Type.Number()),
  online: Type.Boolean(),
  languages: Type.Array(Type.String()),
  organizerId: Type.String(),
  parentEventId: Type.Optional(Type.String()),
  capacity: Type.Integer(),
  registeredCount: Type.Integer(),
  priceCents: Type.Optional(Type.Integer()),
  currency: Type.Optional(Type.String()),
  coverImageUrl: Type.Optional(Type.String()),
});

export const EventPublished = defineEvent({
  subject: 'events.event.published',
  version: 1,
  description: 'An event became visible to members.',
  schema: EventSnapshot,
});

export const EventUpdated = defineEvent({
  subject: 'events.event.updated',
  version: 1,
  description:
    'A published event changed (including its registered count); carries the full snapshot after the change.',
  schema: Type.Object({ ...EventSnapshot.properties, changed: Type.Array(Type.String()) }),
});

export const EventCanceled = defineEvent({
  subject: 'events.event.canceled',
  version: 1,
  description: 'The organizer canceled the event; registrants are to be told.',
  schema: Type.Object({ ...EventSnapshot.properties, reason: Type.Optional(Type.String()) }),
});

/** Where and when a registration's event happens, so consumers can word a message without calling back. */
const RegistrationEventFields = {
  eventId: Type.String(),
  eventTitle: Type.String(),
  eventType: Type.Enum(['free', 'premium', 'national', 'local']),
  domain: Type.String(),
  startsAt: Type.String({ format: 'date-time' }),
  timezone: Type.String(),
  organizerId: Type.String(),
  country: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
};

/**
 * Registration states: `confirmed` holds a seat; `pending_payment` (premium events) holds a seat until
 * `holdExpiresAt` and becomes `confirmed` on payments.ticket.paid; `waitlisted` waits in FIFO order for a seat.
 */
const HeldStatus = Type.Enum(['confirmed', 'pending_payment', 'waitlisted']);

export const RegistrationCreated = defineEvent({
  subject: 'events.registration.created',
  version: 1,
  description: 'A member registered for an event: confirmed, waiting for payment, or waitlisted.',
  schema: Type.Object({
    registrationId: Type.String(),
    userId: Type.String(),
    status: HeldStatus,
    waitlistPosition: Type.Optional(Type.Integer({ minimum: 1 })),
    holdExpiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    ...RegistrationEventFields,
    at: Type.String({ format: 'date-time' }),
  }),
});

export const RegistrationPromoted = defineEvent({
  subject: 'events.registration.promoted',
  version: 1,
  description:
    'A seat freed up: a waitlisted registration was promoted (confirmed, or pending payment on premium events), ' +
    'or a pending one was confirmed by its paid ticket (`reason: "payment"`).',
  schema: Type.Object({
    registrationId: Type.String(),
    userId: Type.String(),
    status: Type.Enum(['confirmed', 'pending_payment']),
    previousStatus: Type.Enum(['waitlisted', 'pending_payment']),
    reason: Type.Enum(['seat_freed', 'payment']),
    holdExpiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    ...RegistrationEventFields,
    at: Type.String({ format: 'date-time' }),
  }),
});

export const RegistrationCanceled = defineEvent({
  subject: 'events.registration.canceled',
  version: 1,
  description: 'A registration ended: by the member, because the event was canceled, or its payment hold expired.',
  schema: Type.Object({
    registrationId: Type.String(),
    userId: Type.String(),
    previousStatus: HeldStatus,
    reason: Type.Enum(['member', 'event_canceled', 'payment_expired', 'account_deleted']),
    ...RegistrationEventFields,
    at: Type.String({ format: 'date-time' }),
  }),
});

export const CheckinRecorded = defineEvent({
  subject: 'events.checkin.recorded',
  version: 1,
  description: 'A participant was checked in at an event (once per registration).',
  schema: Type.Object({
    registrationId: Type.String(),
    userId: Type.String(),
    checkedInBy: Type.String(),
    checkedInAt: Type.String({ format: 'date-time' }),
    method: Type.Enum(['scan', 'bulk']),
    ...RegistrationEventFields,
  }),
});

const Score = Type.Integer({ minimum: 1, maximum: 5 });

export const RatingSubmitted = defineEvent({
  subject: 'events.rating.submitted',
  version: 1,
  description: "A participant rated an event on the five criteria; feeds the organizer's scorecard and analytics.",
  schema: Type.Object({
    ratingId: Type.String(),
    userId: Type.String(),
    scores: Type.Object({
      eventQuality: Score,
      participantQuality: Score,
      exchangeQuality: Score,
      venueQuality: Score,
      organizerPerformance: Score,
    }),
    average: Type.Number({ minimum: 1, maximum: 5 }),
    ...RegistrationEventFields,
    at: Type.String({ format: 'date-time' }),
  }),
});

export const ReminderDue = defineEvent({
  subject: 'events.reminder.due',
  version: 1,
  description:
    'An event starts in `minutesBefore` minutes: remind the listed registrants (at most 500 per message; large ' +
    'events send several messages with the same reminderId and increasing `part`).',
  schema: Type.Object({
    reminderId: Type.String(),
    part: Type.Integer({ minimum: 1 }),
    minutesBefore: Type.Integer({ minimum: 1 }),
    userIds: Type.Array(Type.String(), { maxItems: 500 }),
    endsAt: Type.String({ format: 'date-time' }),
    online: Type.Boolean(),
    venueName: Type.Optional(Type.String()),
    ...RegistrationEventFields,
  }),
});

export const EventInvitationCreated = defineEvent({
  subject: 'events.invitation.created',
  version: 1,
  description:
    'The organizer invited members to an event (at most 100 per call; members who block the organizer are refused, ' +
    'members already invited are left out).',
  schema: Type.Object({
    invitationBatchId: Type.String(),
    userIds: Type.Array(Type.String(), { minItems: 1, maxItems: 100 }),
    ...RegistrationEventFields,
    at: Type.String({ format: 'date-time' }),
  }),
});
