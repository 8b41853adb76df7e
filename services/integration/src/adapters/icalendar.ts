import icalGenerator, { ICalEventStatus } from 'ical-generator';
import type { CalendarEntry } from '../domain/model.js';

export const eventUid = (eventId: string) => `${eventId}@diaspora.community`;

/**
 * One VEVENT in a VCALENDAR, the way CalDAV servers store a calendar object. ical-generator escapes and folds every
 * text property (RFC 5545), so a title can never start a property of its own; times are written in UTC.
 */
export function toICalendar(entry: CalendarEntry, stamp = new Date()): string {
  const calendar = icalGenerator({
    prodId: { company: 'Diaspora Community Platform', product: 'Calendar sync', language: 'EN' },
  });
  calendar.createEvent({
    id: eventUid(entry.eventId),
    stamp,
    start: entry.startsAt,
    end: entry.endsAt,
    summary: entry.canceled ? `Canceled: ${entry.title}` : entry.title,
    status: entry.canceled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    ...(entry.location ? { location: entry.location } : {}),
    ...(entry.url ? { url: entry.url } : {}),
    x: [{ key: 'X-DIASPORA-TIMEZONE', value: entry.timezone }],
  });
  return calendar.toString();
}
