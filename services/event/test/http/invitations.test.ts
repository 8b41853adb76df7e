import { newId, Problem } from '@diaspora/service-kit';
import { collectPublished, startFakeUserService, startTestService, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventService } from '../../src/app.js';
import { type Actor, createEvent, fakeUser, member } from '../fixtures.js';

// Members the fake user service knows; `blocker` blocks the organizer (GetRelationship scripted below).
const organizer = member();
const guests = Array.from({ length: 3 }, () => fakeUser());
const blocker = fakeUser();
let users: Awaited<ReturnType<typeof startFakeUserService>>;
let service: Awaited<ReturnType<typeof startTestService<typeof eventService.config>>>;

beforeAll(async () => {
  users = await startFakeUserService([fakeUser({ id: organizer.id }), ...guests, blocker], {
    getRelationship: async (request) => {
      if (!users.users.has(request.viewerId)) throw new Problem(404, { detail: 'user not found' });
      const blocking = request.viewerId === blocker.id && request.targetId === organizer.id;
      return {
        following: false,
        followedBy: false,
        connected: false,
        blocking,
        blockedBy: false,
        canMessage: !blocking,
      };
    },
  });
  service = await startTestService(eventService, {
    env: { USER_GRPC_ADDR: users.address, GRPC_DEADLINE_MS: '1000', JOB_POLL_SECONDS: '0.5' },
  });
});
afterAll(async () => {
  await service?.close();
  await users?.stop();
});

const invite = (eventId: string, who: Actor, userIds: string[]) =>
  service.app.inject({
    method: 'POST',
    url: `/api/v1/events/${eventId}/invitations`,
    headers: who.headers,
    payload: { userIds },
  });

describe('POST /api/v1/events/{id}/invitations', () => {
  it('the organizer invites members: one events.invitation.created with the event’s context', async () => {
    const published = await collectPublished(service, 'events.invitation.created');
    const event = await createEvent(service.app, organizer);
    const ids = guests.map((guest) => guest.id);
    const response = await invite(event.id, organizer, [...ids, ids[0]!, organizer.id]);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ eventId: event.id, invited: ids });
    expect(response.json().id).toMatch(/^inv_/);
    const [envelope] = await until(() => (published.length ? published : undefined));
    expect(envelope!.data).toMatchObject({
      userIds: ids,
      eventId: event.id,
      eventTitle: 'Diaspora tech meetup',
      organizerId: organizer.id,
    });
  });

  it('refuses non-organizers (403), blocked organizers (403, nobody invited), unknown members (400), >100 (400)', async () => {
    const published = await collectPublished(service, 'events.invitation.created');
    const event = await createEvent(service.app, organizer);
    expect((await invite(event.id, member(), [guests[0]!.id])).statusCode).toBe(403);
    const blocked = await invite(event.id, organizer, [guests[0]!.id, blocker.id]);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.headers['content-type']).toContain('application/problem+json');
    expect(blocked.body).not.toContain(blocker.id);
    const unknown = await invite(event.id, organizer, [newId('usr')]);
    expect(unknown.statusCode).toBe(400);
    const tooMany = await invite(
      event.id,
      organizer,
      Array.from({ length: 101 }, () => newId('usr')),
    );
    expect(tooMany.statusCode).toBe(400);
    expect((await invite(event.id, organizer, ['not-an-id'])).statusCode).toBe(400);
    expect((await invite(newId('evt'), organizer, [guests[0]!.id])).statusCode).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(published.filter((e) => (e.data as { eventId: string }).eventId === event.id)).toHaveLength(0);
  });

  it('a canceled event takes no invitations (409)', async () => {
    const event = await createEvent(service.app, organizer);
    const canceled = await service.app.inject({
      method: 'DELETE',
      url: `/api/v1/events/${event.id}`,
      headers: organizer.headers,
      payload: { reason: 'rain' },
    });
    expect(canceled.statusCode).toBeLessThan(300);
    expect((await invite(event.id, organizer, [guests[1]!.id])).statusCode).toBe(409);
  });
});
