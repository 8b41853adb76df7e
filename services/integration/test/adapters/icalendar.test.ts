import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { eventUid, toICalendar } from '../../src/adapters/icalendar.js';

const entry = {
  eventId: 'evt_1',
  title: 'Meetup\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected; with, specials',
  startsAt: new Date('2027-03-01T18:00:00Z'),
  endsAt: new Date('2027-03-01T20:00:00Z'),
  timezone: 'Europe/Paris',
  location: 'Café "Téranga", 12 rue de la Paix; Paris',
  url: 'https://diaspora.example/api/v1/events/evt_1',
  canceled: false,
};

const parse = (body: string) => new ICAL.Component(ICAL.parse(body) as unknown[]).getAllSubcomponents('vevent');

describe('toICalendar', () => {
  it('writes one VEVENT whose text survives a parser intact, whatever a title holds', () => {
    const body = toICalendar(entry);
    const events = parse(body);
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event.getFirstPropertyValue('uid')).toBe(eventUid('evt_1'));
    expect(event.getFirstPropertyValue('summary')).toBe(entry.title.replaceAll('\r\n', '\n')); // TEXT has bare line breaks
    expect(event.getFirstPropertyValue('location')).toBe(entry.location);
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(String(event.getFirstPropertyValue('dtstart'))).toBe('2027-03-01T18:00:00Z');
    expect(body.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
  });

  it('keeps a canceled event as CANCELLED so calendars remove it', () => {
    const event = parse(toICalendar({ ...entry, title: 'Gala', canceled: true }))[0]!;
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.getFirstPropertyValue('summary')).toBe('Canceled: Gala');
  });
});
