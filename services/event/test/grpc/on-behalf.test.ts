import { createClient, eventV1 } from '@diaspora/proto';
import { newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ambassador,
  consul,
  createEvent,
  type Harness,
  inHours,
  member,
  paris,
  register,
  revokeAppointments,
  startEventService,
} from '../fixtures.js';

let h: Harness;
let events: eventV1.EventServiceClient;
beforeAll(async () => {
  h = await startEventService({ listen: true });
  events = createClient(eventV1.EventService, h.service.addresses!.grpcAddress, { deadlineMs: 3000 });
});
afterAll(async () => {
  events?.close();
  await h?.close();
});

const GRPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7 };
const org = 'org_test';

describe('EventService writes on a member’s behalf', () => {
  it('UpdateEventAsOrganizer applies the HTTP edit rules: organizer or ambassador, no start in the past', async () => {
    const organizer = member();
    const event = await createEvent(h.app, organizer, { capacity: 1 });
    const startsAt = inHours(72);
    const { event: updated } = await events.updateEventAsOrganizer({
      eventId: event.id,
      actorId: organizer.id,
      title: 'Moved meetup',
      startsAt,
      endsAt: inHours(74),
    });
    expect(updated).toMatchObject({ id: event.id, title: 'Moved meetup', startsAt, updatedAt: expect.any(String) });
    // Another member may not; the country's ambassador may (the same rule as PATCH /events/{id}).
    await expect(
      events.updateEventAsOrganizer({ eventId: event.id, actorId: member().id, title: 'Hijack' }),
    ).rejects.toMatchObject({ code: GRPC.PERMISSION_DENIED });
    const envoy = ambassador('FR');
    expect(
      (await events.updateEventAsOrganizer({ eventId: event.id, actorId: envoy.id, description: 'By the envoy' })).event
        ?.description,
    ).toBe('By the envoy');
    // Platform rules win: no start in the past, no bad times.
    await expect(
      events.updateEventAsOrganizer({ eventId: event.id, actorId: organizer.id, startsAt: inHours(-5) }),
    ).rejects.toMatchObject({ code: GRPC.INVALID_ARGUMENT, details: expect.stringContaining('startsAt') });
    await expect(
      events.updateEventAsOrganizer({ eventId: event.id, actorId: organizer.id, startsAt: 'tomorrow' }),
    ).rejects.toMatchObject({ code: GRPC.INVALID_ARGUMENT });
    await expect(
      events.updateEventAsOrganizer({ eventId: newId('evt'), actorId: organizer.id, title: 'x' }),
    ).rejects.toMatchObject({ code: GRPC.NOT_FOUND });
    await expect(
      events.updateEventAsOrganizer({ eventId: event.id, actorId: newId('usr'), title: 'x' }),
    ).rejects.toMatchObject({ code: GRPC.NOT_FOUND });
  });

  it('a revoked consul can no longer edit the local event they created', async () => {
    const former = consul('FR', 'Lyon');
    const local = await createEvent(h.app, former, { type: 'local', venue: { ...paris, city: 'Lyon' } });
    const outsider = member();
    await expect(
      events.updateEventAsOrganizer({ eventId: local.id, actorId: outsider.id, title: 'x' }),
    ).rejects.toMatchObject({ code: GRPC.PERMISSION_DENIED });
    revokeAppointments(former.id);
    // Still the organizer: organizers keep managing their own events.
    const answer = await events.updateEventAsOrganizer({ eventId: local.id, actorId: former.id, title: 'Kept' });
    expect(answer.event?.title).toBe('Kept');
  });

  it('CancelEventAsOrganizer cancels once, with its registrations; others are refused', async () => {
    const organizer = member();
    const event = await createEvent(h.app, organizer);
    const guest = member();
    expect((await register(h.app, event.id, guest)).statusCode).toBe(201);
    await expect(
      events.cancelEventAsOrganizer({ eventId: event.id, actorId: guest.id, reason: 'no' }),
    ).rejects.toMatchObject({ code: GRPC.PERMISSION_DENIED });
    const { event: canceled } = await events.cancelEventAsOrganizer({
      eventId: event.id,
      actorId: organizer.id,
      reason: 'Canceled in Google Calendar',
    });
    expect(canceled).toMatchObject({ status: 'canceled', registeredCount: 0 });
    await expect(
      events.cancelEventAsOrganizer({ eventId: event.id, actorId: organizer.id, reason: '' }),
    ).rejects.toMatchObject({ code: GRPC.ALREADY_EXISTS });
    await expect(
      events.updateEventAsOrganizer({ eventId: event.id, actorId: organizer.id, title: 'x' }),
    ).rejects.toMatchObject({
      code: GRPC.ALREADY_EXISTS,
    });
  });

  it('ImportDraftEvent creates a draft for an organizer who may create it, and refuses one who may not', async () => {
    const organizer = member();
    const fields = {
      organizationId: org,
      title: 'Imported gala',
      description: 'From the association’s database',
      domain: 'associations',
      type: 'free',
      startsAt: inHours(100),
      endsAt: inHours(103),
      timezone: 'Europe/Paris',
      venue: paris,
      capacity: 80,
      languages: ['fr'],
    };
    const { event } = await events.importDraftEvent({ ...fields, organizerId: organizer.id });
    expect(event).toMatchObject({ status: 'draft', organizerId: organizer.id, title: 'Imported gala', capacity: 80 });
    // A draft stays hidden from others.
    await expect(events.getEvent({ eventId: event!.id, viewerId: member().id })).rejects.toMatchObject({
      code: GRPC.NOT_FOUND,
    });
    // A national event needs an ambassador of its country.
    await expect(
      events.importDraftEvent({ ...fields, type: 'national', organizerId: organizer.id }),
    ).rejects.toMatchObject({ code: GRPC.PERMISSION_DENIED });
    const envoy = ambassador('FR');
    expect((await events.importDraftEvent({ ...fields, type: 'national', organizerId: envoy.id })).event?.type).toBe(
      'national',
    );
    for (const bad of [
      { domain: 'nope' },
      { capacity: 0 },
      { startsAt: inHours(-2) },
      { languages: [] },
      { type: 'x' },
    ])
      await expect(events.importDraftEvent({ ...fields, organizerId: organizer.id, ...bad })).rejects.toMatchObject({
        code: GRPC.INVALID_ARGUMENT,
      });
    await expect(events.importDraftEvent({ ...fields, organizerId: '' })).rejects.toMatchObject({
      code: GRPC.INVALID_ARGUMENT,
    });
  });

  it('RegisterMemberForEvent follows registration rules (seats, waitlist, duplicates, drafts)', async () => {
    const organizer = member();
    const event = await createEvent(h.app, organizer, { capacity: 1 });
    const [ada, ben] = [member(), member()];
    const first = await events.registerMemberForEvent({ eventId: event.id, userId: ada.id, organizationId: org });
    expect(first.registration).toMatchObject({ eventId: event.id, userId: ada.id, status: 'confirmed' });
    const second = await events.registerMemberForEvent({ eventId: event.id, userId: ben.id, organizationId: org });
    expect(second.registration).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    await expect(
      events.registerMemberForEvent({ eventId: event.id, userId: ada.id, organizationId: org }),
    ).rejects.toMatchObject({ code: GRPC.ALREADY_EXISTS });
    const draft = await createEvent(h.app, organizer, { status: 'draft' });
    await expect(
      events.registerMemberForEvent({ eventId: draft.id, userId: ada.id, organizationId: org }),
    ).rejects.toMatchObject({ code: GRPC.NOT_FOUND });
  });

  it('GetEvent tells the viewer’s registration status', async () => {
    const organizer = member();
    const gala = await createEvent(h.app, organizer, {
      type: 'premium',
      priceCents: 2500,
      currency: 'EUR',
      capacity: 1,
    });
    const holder = member();
    expect((await register(h.app, gala.id, holder)).json().status).toBe('pending_payment');
    const seen = await events.getEvent({ eventId: gala.id, viewerId: holder.id });
    expect(seen).toMatchObject({ viewerRegistrationStatus: 'pending_payment', event: { registeredCount: 1 } });
    expect(
      (await events.getEvent({ eventId: gala.id, viewerId: member().id })).viewerRegistrationStatus,
    ).toBeUndefined();
    expect((await events.getEvent({ eventId: gala.id })).viewerRegistrationStatus).toBeUndefined();
  });
});
