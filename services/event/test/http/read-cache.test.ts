import { EventUpdated } from '@diaspora/events';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actor,
  createEvent,
  deliver,
  fakeUser,
  type Harness,
  member,
  register,
  startEventService,
} from '../fixtures.js';

const amina = fakeUser({ originCountry: 'SN', residenceCountry: 'FR', residenceCity: 'Paris' });
let h: Harness;

beforeAll(async () => {
  h = await startEventService({ users: [amina] });
});

afterAll(async () => {
  await h?.close();
});

const aminaHeaders = () => actor({ roles: ['regular'], country: 'FR', city: 'Paris' }, amina.id).headers;
const get = (url: string, headers: Record<string, string>) => h.app.inject({ url, headers });
const titlesOf = (body: { items: { id: string; title: string }[] }) => body.items.map((item) => item.title);

describe('cached reads', () => {
  it('are really cached: a change behind the service’s back is not seen until a domain event says so', async () => {
    const organizer = member();
    const { id } = await createEvent(h.app, organizer, { title: 'Before' });
    expect((await get(`/api/v1/events/${id}`, organizer.headers)).json().title).toBe('Before');
    await h.service.context.db.query(`UPDATE events SET title = 'Behind' WHERE id = $1`, [id]);
    expect((await get(`/api/v1/events/${id}`, organizer.headers)).json().title).toBe('Before');
    const { rows } = await h.service.context.db.query('SELECT country FROM events WHERE id = $1', [id]);
    // As another instance's write would reach this one: through the bus.
    await deliver(h.service, EventUpdated, {
      eventId: id,
      title: 'Behind',
      domain: 'ict',
      type: 'free',
      status: 'published',
      startsAt: new Date().toISOString(),
      endsAt: new Date().toISOString(),
      timezone: 'Europe/Paris',
      country: String(rows[0]!.country).trim(),
      online: false,
      languages: ['fr'],
      organizerId: organizer.id,
      capacity: 50,
      registeredCount: 0,
      changed: ['title'],
    });
    await until(async () => (await get(`/api/v1/events/${id}`, organizer.headers)).json().title === 'Behind', {
      what: 'the detail to follow events.event.updated',
      timeoutMs: 5000,
    });
  });

  it('read-your-writes: the organizer who edits or cancels sees it at once, in the detail and in /upcoming', async () => {
    const organizer = member();
    const { id } = await createEvent(h.app, organizer, { title: 'Jazz night' });
    const upcoming = () => get('/api/v1/events/upcoming?limit=50', aminaHeaders());
    expect(titlesOf((await upcoming()).json())).toContain('Jazz night');
    expect((await get(`/api/v1/events/${id}`, organizer.headers)).json().title).toBe('Jazz night');

    const patched = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${id}`,
      headers: organizer.headers,
      payload: { title: 'Jazz night, moved upstairs' },
    });
    expect(patched.statusCode).toBe(200);
    expect((await get(`/api/v1/events/${id}`, organizer.headers)).json().title).toBe('Jazz night, moved upstairs');
    const titles = titlesOf((await upcoming()).json());
    expect(titles).toContain('Jazz night, moved upstairs');
    expect(titles).not.toContain('Jazz night');

    const canceled = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/events/${id}`,
      headers: organizer.headers,
      payload: { reason: 'Venue flooded' },
    });
    expect(canceled.statusCode).toBe(200);
    expect((await get(`/api/v1/events/${id}`, organizer.headers)).json()).toMatchObject({ status: 'canceled' });
    expect((await upcoming()).json().items.map((item: { id: string }) => item.id)).not.toContain(id);
  });

  it('a registration shows in the counts of the detail and of /popular at once', async () => {
    const organizer = member('DE', 'Berlin');
    const berlin = { name: 'Hall', address: '1 Allee', city: 'Berlin', country: 'DE', lat: 52.52, lon: 13.405 };
    const { id } = await createEvent(h.app, organizer, { venue: berlin, capacity: 2 });
    const popular = async () =>
      (await get('/api/v1/events/popular?country=DE', organizer.headers))
        .json()
        .items.find((item: { id: string }) => item.id === id);
    expect((await get(`/api/v1/events/${id}`, organizer.headers)).json().seatsLeft).toBe(2);
    expect((await popular()).registeredCount).toBe(0);
    expect((await register(h.app, id, member())).statusCode).toBe(201);
    expect((await get(`/api/v1/events/${id}`, organizer.headers)).json()).toMatchObject({
      registeredCount: 1,
      seatsLeft: 1,
    });
    expect((await popular()).registeredCount).toBe(1);
  });

  it('a draft is never shared: its organizer sees it, another member gets 404 after the organizer read it', async () => {
    const organizer = member();
    const { id } = await createEvent(h.app, organizer, { status: 'draft' });
    expect((await get(`/api/v1/events/${id}`, organizer.headers)).statusCode).toBe(200);
    expect((await get(`/api/v1/events/${id}`, member().headers)).statusCode).toBe(404);
    const published = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${id}`,
      headers: organizer.headers,
      payload: { status: 'published' },
    });
    expect(published.statusCode).toBe(200);
    expect((await get(`/api/v1/events/${id}`, member().headers)).json().status).toBe('published');
  });

  it('answers If-None-Match with 304 until the event changes, privately and varying on Authorization', async () => {
    const organizer = member();
    const { id } = await createEvent(h.app, organizer);
    const first = await get(`/api/v1/events/${id}`, organizer.headers);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\//);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.headers.vary).toContain('Authorization');
    const again = await get(`/api/v1/events/${id}`, { ...organizer.headers, 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${id}`,
      headers: organizer.headers,
      payload: { capacity: 80 },
    });
    const changed = await get(`/api/v1/events/${id}`, { ...organizer.headers, 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().capacity).toBe(80);
    expect(changed.headers.etag).not.toBe(etag);

    const list = await get('/api/v1/events/upcoming', aminaHeaders());
    const listAgain = await get('/api/v1/events/upcoming', {
      ...aminaHeaders(),
      'if-none-match': list.headers.etag as string,
    });
    expect(listAgain.statusCode).toBe(304);
  });

  it('pages of /upcoming shared by an audience still carry each member’s own cursor', async () => {
    const organizer = member();
    for (let i = 0; i < 3; i++) await createEvent(h.app, organizer, { title: `Series ${i}` });
    const page = (await get('/api/v1/events/upcoming?limit=2', aminaHeaders())).json();
    expect(page.items).toHaveLength(2);
    const next = await get(
      `/api/v1/events/upcoming?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`,
      aminaHeaders(),
    );
    expect(next.statusCode).toBe(200);
    expect(next.json().items[0].id).not.toBe(page.items[0].id);
    // Another member's cursor is refused: the page is shared, the cursor is not.
    const stranger = member();
    const refused = await get(
      `/api/v1/events/upcoming?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`,
      stranger.headers,
    );
    expect(refused.statusCode).toBe(400);
  });
});
