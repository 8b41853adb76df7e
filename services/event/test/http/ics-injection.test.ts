import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, type Harness, member, register, startEventService } from '../fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await startEventService({ env: { PUBLIC_BASE_URL: 'https://api.example.org' } });
});
afterAll(async () => h?.close());

/** Deterministic generator (mulberry32): a failure names its seed and reproduces. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The pieces calendar injection is made of: line breaks, delimiters, escapes, property and component names. */
const PIECES = [
  '\r\n',
  '\n',
  '\r',
  ';',
  ',',
  '\\',
  '\\n',
  ':',
  '"',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:evil@example.com',
  'SUMMARY:Injected',
  'ATTENDEE;CN=x:mailto:x@example.com',
  ' ',
  '\t',
  'é',
  '😀',
  'x'.repeat(90),
];

function hostileText(next: () => number, maxLength: number): string {
  let text = 'T';
  while (text.length < maxLength * next()) text += PIECES[Math.floor(next() * PIECES.length)];
  return `${text.slice(0, maxLength - 1)}Z`;
}

const unescapeText = (raw: unknown) =>
  (ICAL.design.icalendar.value as unknown as Record<string, { fromICAL(value: string): string }>).text!.fromICAL(
    String(raw),
  );

/** What iCalendar TEXT can carry: RFC 5545 has one line break, so CR LF and lone CR read back as LF. */
const asCalendarText = (text: string) => text.replace(/\r\n?/g, '\n');

function parse(body: string) {
  // Folded lines never exceed 75 octets (RFC 5545 section 3.1).
  for (const line of body.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  const calendar = new ICAL.Component(ICAL.parse(body) as unknown[]);
  expect(calendar.name).toBe('vcalendar');
  return calendar;
}

describe('iCalendar text is escaped and folded (no injection)', () => {
  it('round-trips hostile titles, descriptions and locations through /{id}.ics, one VEVENT each', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const next = random(seed);
      const venue = {
        name: hostileText(next, 200),
        address: hostileText(next, 300),
        city: hostileText(next, 100),
        country: 'FR',
        lat: 48.85,
        lon: 2.35,
      };
      const event = await createEvent(h.app, member(), {
        title: hostileText(next, 200),
        description: hostileText(next, 3000),
        venue,
      });
      // biome-ignore lint/suspicious/noExplicitAny: the stored event is compared field by field below
      const stored = event as any;
      const response = await h.app.inject({ url: `/api/v1/events/${event.id}.ics` });
      expect(response.statusCode, `seed ${seed}`).toBe(200);
      const calendar = parse(response.body);

      // ical.js does not know NAME (RFC 7986) and X-WR-CALNAME, so it hands over their raw TEXT: decode it here.
      for (const property of ['name', 'x-wr-calname'])
        expect(unescapeText(calendar.getFirstPropertyValue(property)), `seed ${seed}`).toBe(
          asCalendarText(stored.title),
        );
      const vevents = calendar.getAllSubcomponents('vevent');
      expect(vevents, `seed ${seed}`).toHaveLength(1);
      const [vevent] = vevents;
      expect(vevent!.getFirstPropertyValue('uid')).toBe(`${event.id}@diaspora.community`);
      expect(vevent!.getFirstPropertyValue('summary')).toBe(asCalendarText(stored.title));
      expect(vevent!.getFirstPropertyValue('description')).toBe(asCalendarText(stored.description));
      expect(vevent!.getFirstPropertyValue('location')).toBe(
        asCalendarText(`${stored.venue.name}\n${stored.venue.address}, ${stored.venue.city}, ${stored.venue.country}`),
      );
      for (const alarm of vevent!.getAllSubcomponents('valarm'))
        expect(alarm.getFirstPropertyValue('description')).toBe(asCalendarText(stored.title));
      // Nothing the text smuggled in became a property of its own.
      expect(vevent!.getAllProperties('attendee')).toHaveLength(0);
      expect(vevent!.getAllProperties('summary')).toHaveLength(1);
      expect(calendar.getAllProperties('x-wr-calname')).toHaveLength(1);
    }
  });

  it('keeps one VEVENT per registered event in a personal feed of hostile events', async () => {
    const me = member();
    const next = random(42);
    const titles: string[] = [];
    for (let i = 0; i < 4; i++) {
      const event = await createEvent(h.app, member(), {
        title: hostileText(next, 200),
        description: hostileText(next, 500),
      });
      titles.push(event.title as string);
      expect((await register(h.app, event.id, me)).statusCode).toBe(201);
    }
    const { token } = (
      await h.app.inject({ method: 'POST', url: '/api/v1/events/calendar/feed', headers: me.headers })
    ).json();
    const calendar = parse((await h.app.inject({ url: `/api/v1/events/calendar/${token}.ics` })).body);
    const vevents = calendar.getAllSubcomponents('vevent');
    expect(vevents).toHaveLength(4);
    expect(vevents.map((vevent) => vevent.getFirstPropertyValue('summary')).sort()).toEqual(
      titles.map(asCalendarText).sort(),
    );
  });
});
