import type { CalendarEntry } from '../domain/model.js';

/** RFC 5545 TEXT escaping; CR/LF become \n so that a title can never start a property of its own. */
const text = (value: string) =>
  value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');

const utc = (date: Date) =>
  `${date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}`;

/** Folds lines at 75 octets (continuation lines start with a space). */
function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  for (const char of line) {
    if (Buffer.byteLength(current + char) > (parts.length ? 74 : 75)) {
      parts.push(current);
      current = '';
    }
    current += char;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

export const eventUid = (eventId: string) => `${eventId}@diaspora.community`;

/** One VEVENT in a VCALENDAR, the way CalDAV servers store a calendar object. */
export function toICalendar(entry: CalendarEntry, stamp = new Date()): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Diaspora Community Platform//Calendar sync//EN',
    'CALSCALE:GREGORIAN',
    'BEGIN:VEVENT',
    `UID:${eventUid(entry.eventId)}`,
    `DTSTAMP:${utc(stamp)}`,
    `DTSTART:${utc(entry.startsAt)}`,
    `DTEND:${utc(entry.endsAt)}`,
    `SUMMARY:${text(entry.canceled ? `Canceled: ${entry.title}` : entry.title)}`,
    `STATUS:${entry.canceled ? 'CANCELLED' : 'CONFIRMED'}`,
    ...(entry.location ? [`LOCATION:${text(entry.location)}`] : []),
    ...(entry.url ? [`URL:${entry.url}`] : []),
    `X-DIASPORA-TIMEZONE:${text(entry.timezone)}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
