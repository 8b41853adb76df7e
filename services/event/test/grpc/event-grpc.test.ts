import { commonV1, createClient, eventV1 } from '@diaspora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consul,
  createEvent,
  endEvent,
  fakeUser,
  type Harness,
  inHours,
  member,
  register,
  startEventService,
} from '../fixtures.js';

const kofi = fakeUser({ originCountry: 'GH', residenceCountry: 'CA', residenceCity: 'Toronto' });
let h: Harness;
let events: eventV1.EventServiceClient;
let userData: commonV1.UserDataClient;
beforeAll(async () => {
  h = await startEventService({ users: [kofi], listen: true });
  const address = h.service.addresses!.grpcAddress;
  events = createClient(eventV1.EventService, address, { deadlineMs: 2000 });
  userData = createClient(commonV1.UserData, address, { deadlineMs: 2000 });
});
afterAll(async () => {
  events?.close();
  userData?.close();
  await h?.close();
});

const toronto = { name: 'Hall', address: '1 King St', city: 'Toronto', country: 'CA', lat: 43.65, lon: -79.38 };

describe('EventService over gRPC', () => {
  it('GetEvent and BatchGetEvents return visible events in the asked order; drafts stay hidden', async () => {
    const organizer = member();
    const [a, b] = [await createEvent(h.app, organizer), await createEvent(h.app, organizer, { title: 'Second' })];
    const draft = await createEvent(h.app, organizer, { status: 'draft' });
    const { event } = await events.getEvent({ eventId: a.id });
    expect(event).toMatchObject({
      id: a.id,
      type: 'free',
      status: 'published',
      capacity: 50,
      venue: { city: 'Paris' },
    });
    await expect(events.getEvent({ eventId: draft.id })).rejects.toMatchObject({ code: 5 });
    expect((await events.getEvent({ eventId: draft.id, viewerId: organizer.id })).event?.status).toBe('draft');
    const batch = await events.batchGetEvents({ eventIds: [b.id, 'evt_unknown', a.id, draft.id] });
    expect(batch.events.map((e) => e.id)).toEqual([b.id, a.id]);
    await expect(
      events.batchGetEvents({ eventIds: Array.from({ length: 101 }, (_, i) => `evt_${i}`) }),
    ).rejects.toMatchObject({
      code: 3,
    });
  });

  it('ListUpcomingForUser personalizes from the user service and pages', async () => {
    const mine = [];
    for (let i = 1; i <= 3; i++)
      mine.push(
        await createEvent(h.app, member(), { venue: toronto, startsAt: inHours(10 * i), endsAt: inHours(10 * i + 1) }),
      );
    const first = await events.listUpcomingForUser({ userId: kofi.id, pageSize: 2 });
    expect(first.events.map((e) => e.id)).toEqual([mine[0]!.id, mine[1]!.id]);
    const rest = await events.listUpcomingForUser({ userId: kofi.id, pageSize: 2, pageToken: first.nextPageToken });
    expect(rest.events.map((e) => e.id)).toEqual([mine[2]!.id]);
    expect(rest.nextPageToken).toBe('');
    await expect(events.listUpcomingForUser({ userId: 'usr_nobody' })).rejects.toMatchObject({ code: 5 });
  });

  it('GetScorecard reports an organizer’s year', async () => {
    const lyon = consul('FR', 'Lyon');
    const venue = { name: 'Salle', address: '1 quai', city: 'Lyon', country: 'FR', lat: 45.76, lon: 4.83 };
    const held = await createEvent(h.app, lyon, { type: 'local', venue });
    await endEvent(h.service, held.id);
    const card = await events.getScorecard({ organizerId: lyon.id });
    expect(card).toMatchObject({
      organizerId: lyon.id,
      eventsHeld: 1,
      year: new Date().getUTCFullYear(),
      country: 'FR',
    });
  });
});

describe('UserData export', () => {
  it('returns the member’s registrations, ratings and organized events as JSON', async () => {
    const someone = member();
    const event = await createEvent(h.app, member());
    await register(h.app, event.id, someone);
    const own = await createEvent(h.app, someone, { title: 'Mine' });
    const { service, json } = await userData.exportUserData({ userId: someone.id });
    expect(service).toBe('event');
    const data = JSON.parse(json);
    expect(data.registrations).toMatchObject([{ eventId: event.id, status: 'confirmed' }]);
    expect(data.organizedEvents.map((e: { id: string }) => e.id)).toEqual([own.id]);
    expect(JSON.parse((await userData.exportUserData({ userId: 'usr_unknown' })).json)).toMatchObject({
      registrations: [],
      ratings: [],
      organizedEvents: [],
      calendarFeed: null,
    });
  });
});
