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
