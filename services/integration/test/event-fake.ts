import { eventV1 } from '@diaspora/proto';
import { newId, Problem } from '@diaspora/service-kit';
import { fakeService, startFakeGrpcServer } from '@diaspora/testing';

/**
 * A real gRPC EventService answering from memory, with the rules the integration service relays: only the
 * organizer edits, capacity then waitlist, one registration per member, drafts for importers.
 */
export async function startFakeEventService() {
  const events = new Map<string, eventV1.Event>();
  const registrations = new Map<string, eventV1.Registration>();
  const calls: { method: string; request: unknown }[] = [];
  const find = (id: string) => {
    const event = events.get(id);
    if (!event) throw new Problem(404, { detail: 'event not found' });
    return event;
  };
  const touch = (event: eventV1.Event, changes: Partial<eventV1.Event>) => {
    const next = { ...event, ...changes, updatedAt: new Date().toISOString() };
    events.set(event.id, next);
    return next;
  };
  const handlers: Partial<eventV1.EventServiceHandlers> = {
    async getEvent(request) {
      return { event: find(request.eventId) };
    },
    async batchGetEvents(request) {
      return { events: request.eventIds.flatMap((id) => (events.has(id) ? [events.get(id)!] : [])) };
    },
    async listUpcomingForUser() {
      return { events: [], nextPageToken: '' };
    },
    async updateEventAsOrganizer(request) {
      calls.push({ method: 'update', request });
      const event = find(request.eventId);
      if (event.organizerId !== request.actorId) throw new Problem(403, { detail: 'not the organizer' });
      if (event.status === 'canceled') throw new Problem(409, { detail: 'A canceled event cannot be edited.' });
      if (request.startsAt && Date.parse(request.startsAt) <= Date.now())
        throw new Problem(400, { detail: 'The request is not valid: startsAt must be in the future.' });
      const { eventId: _e, actorId: _a, ...patch } = request;
      const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      return { event: touch(event, changes) };
    },
    async cancelEventAsOrganizer(request) {
      calls.push({ method: 'cancel', request });
      const event = find(request.eventId);
      if (event.organizerId !== request.actorId) throw new Problem(403, { detail: 'not the organizer' });
      if (event.status === 'canceled') throw new Problem(409, { detail: 'The event is already canceled.' });
      return { event: touch(event, { status: 'canceled' }) };
    },
    async importDraftEvent(request) {
      calls.push({ method: 'import', request });
      if (request.type === 'national') throw new Problem(403, { detail: 'only ambassadors create national events' });
      const { organizationId: _o, ...fields } = request;
      const event: eventV1.Event = {
        ...fields,
        id: newId('evt'),
        status: 'draft',
        registeredCount: 0,
        waitlistCount: 0,
        updatedAt: new Date().toISOString(),
      };
      events.set(event.id, event);
      return { event };
    },
    async registerMemberForEvent(request) {
      calls.push({ method: 'register', request });
      const event = find(request.eventId);
      const key = `${request.eventId} ${request.userId}`;
      if (registrations.has(key)) throw new Problem(409, { detail: 'You are already registered for this event.' });
      const seat = event.registeredCount < event.capacity;
      touch(event, seat ? { registeredCount: event.registeredCount + 1 } : { waitlistCount: event.waitlistCount + 1 });
      const registration: eventV1.Registration = {
        id: newId('reg'),
        eventId: event.id,
        userId: request.userId,
        status: seat ? 'confirmed' : 'waitlisted',
        createdAt: new Date().toISOString(),
        ...(seat ? {} : { waitlistPosition: event.waitlistCount + 1 }),
      };
      registrations.set(key, registration);
      return { registration };
    },
  };
  const server = await startFakeGrpcServer('event', [fakeService(eventV1.EventService, handlers)]);
  return {
    ...server,
    events,
    registrations,
    calls,
    /** Puts a published event organized by `organizerId`. */
    add(organizerId: string, overrides: Partial<eventV1.Event> = {}): eventV1.Event {
      const event: eventV1.Event = {
        id: newId('evt'),
        title: 'Diaspora meetup',
        description: '',
        domain: 'ict',
        type: 'free',
        status: 'published',
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 90_000_000).toISOString(),
        timezone: 'Europe/Paris',
        capacity: 10,
        registeredCount: 0,
        waitlistCount: 0,
        languages: ['fr'],
        organizerId,
        updatedAt: new Date(Date.now() - 3_600_000).toISOString(),
        ...overrides,
      };
      events.set(event.id, event);
      return event;
    },
  };
}
