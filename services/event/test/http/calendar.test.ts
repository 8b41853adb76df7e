import ical from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, type Harness, member, register, startEventService } from '../fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await startEventService({ env: { PUBLIC_BASE_URL: 'https://api.example.org' } });
});
afterAll(async () => h?.close());

/** 19:00 in Paris on a summer day and on a winter day of next year: both offsets appear. */
function parisEvening(month: number): { startsAt: string; endsAt: string } {
  const year = new Date().getUTCFullYear() + 1;
  const utcHour = month >= 4 && month <= 9 ? 17 : 18; // CEST +2 / CET +1
  const start = new Date(Date.UTC(year, month - 1, 15, utcHour, 0, 0));
  return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 2 * 3_600_000).toISOString() };
}

type Parsed = ReturnType<typeof ical.sync.parseICS>;
const vevents = (parsed: Parsed) => Object.values(parsed).filter((item) => item?.type === 'VEVENT') as ical.VEvent[];

describe('iCalendar', () => {
  it('GET /{id}.ics is public RFC 5545 with TZID, a matching VTIMEZONE and reminders; a real parser reads it back', async () => {
    const event = await createEvent(h.app, member(), { ...parisEvening(7), title: 'Summer gala' });
    const response = await h.app.inject({ url: `/api/v1/events/${event.id}.ics` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const text = response.body;
    expect(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Paris');
    expect(text).toMatch(/BEGIN:DAYLIGHT\r\nDTSTART:\d{8}T020000\r\nTZOFFSETFROM:\+0100\r\nTZOFFSETTO:\+0200/);
    expect(text).toMatch(/DTSTART;TZID=Europe\/Paris:\d{8}T190000/);
    expect(text.match(/BEGIN:VALARM/g)).toHaveLength(2);

    const [parsed] = vevents(ical.sync.parseICS(text));
    expect(parsed).toBeDefined();
    expect(parsed!.summary).toBe('Summer gala');
    expect(parsed!.uid).toBe(`${event.id}@diaspora.community`);
    expect(new Date(parsed!.start as Date).toISOString()).toBe(event.startsAt);
    expect(new Date(parsed!.end as Date).toISOString()).toBe(event.endsAt);
    expect(parsed!.status).toBe('CONFIRMED');
    const url = parsed!.url as unknown as string | { val: string };
    expect(typeof url === 'string' ? url : url.val).toBe(`https://api.example.org/api/v1/events/${event.id}`);
    expect(String(parsed!.location)).toContain('Maison des Associations');
  });

  it('marks canceled events CANCELLED and hides drafts', async () => {
    const organizer = member();
    const event = await createEvent(h.app, organizer);
    await h.app.inject({ method: 'DELETE', url: `/api/v1/events/${event.id}`, headers: organizer.headers });
    const [parsed] = vevents(ical.sync.parseICS((await h.app.inject({ url: `/api/v1/events/${event.id}.ics` })).body));
    expect(parsed!.status).toBe('CANCELLED');
    const draft = await createEvent(h.app, organizer, { status: 'draft' });
    expect((await h.app.inject({ url: `/api/v1/events/${draft.id}.ics` })).statusCode).toBe(404);
  });

  it('serves a tokenized personal feed of registered events; a new token revokes the old URL', async () => {
    const me = member();
    const summer = await createEvent(h.app, member(), { ...parisEvening(7), title: 'Summer' });
    const winter = await createEvent(h.app, member(), {
      ...parisEvening(12),
      title: 'Winter online',
      venue: undefined,
      online: { url: 'https://meet.example/w' },
      timezone: 'America/New_York',
    });
    const notMine = await createEvent(h.app, member(), { title: 'Not mine' });
    await register(h.app, summer.id, me);
    await register(h.app, winter.id, me);
    expect(notMine.id).toBeTruthy();

    const issued = await h.app.inject({ method: 'POST', url: '/api/v1/events/calendar/feed', headers: me.headers });
    expect(issued.statusCode).toBe(201);
    const { token, url } = issued.json();
    expect(url).toBe(`https://api.example.org/api/v1/events/calendar/${token}.ics`);
    const feed = await h.app.inject({ url: `/api/v1/events/calendar/${token}.ics` });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toContain('TZID:Europe/Paris');
    expect(feed.body).toContain('TZID:America/New_York');
    const events = vevents(ical.sync.parseICS(feed.body));
    expect(events.map((event) => event.summary).sort()).toEqual(['Summer', 'Winter online']);
    const winterParsed = events.find((event) => event.summary === 'Winter online')!;
    expect(new Date(winterParsed.start as Date).toISOString()).toBe(winter.startsAt);

    const rotated = await h.app.inject({ method: 'POST', url: '/api/v1/events/calendar/feed', headers: me.headers });
    expect((await h.app.inject({ url: `/api/v1/events/calendar/${token}.ics` })).statusCode).toBe(404);
    expect((await h.app.inject({ url: `/api/v1/events/calendar/${rotated.json().token}.ics` })).statusCode).toBe(200);
    expect((await h.app.inject({ url: '/api/v1/events/calendar/not-a-token.ics' })).statusCode).toBe(400);
  });
});
