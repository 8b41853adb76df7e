import icalGenerator, { escape as escapeText, ICalAlarmType, ICalEventStatus } from 'ical-generator';
import type { EventRecord } from '../domain/event.js';
import { wallTime } from '../domain/time-zones.js';
import { vtimezone } from './vtimezone.js';

/**
 * ical-generator prints a zoned DATE-TIME with the Date's local-time getters (it converts zones only through
 * moment/luxon/dayjs, which we do not ship). So we hand it a Date whose process-local fields are the wall clock of
 * the event's zone: the printed `DTSTART;TZID=Europe/Paris:…T190000` is then exact whatever the process zone.
 */
function wallClockDate(instant: Date, zone: string): Date {
  const wall = wallTime(instant, zone);
  return new Date(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

export interface IcsOptions {
  /** Calendar name (X-WR-CALNAME). */
  name: string;
  publicBaseUrl: string;
  reminderOffsetsMinutes: number[];
  /** How often clients should refresh a subscribed feed. */
  ttlSeconds?: number;
}

/**
 * RFC 5545 calendar of `events`: times in each event's own zone (TZID) with a matching VTIMEZONE, so calendar apps
 * keep 7 pm at 7 pm; canceled events stay in the feed as STATUS:CANCELLED so subscribers see them go; one VALARM
 * per reminder offset.
 */
export function renderIcs(events: EventRecord[], options: IcsOptions): string {
  const years = events.flatMap((event) => [event.startsAt.getUTCFullYear(), event.endsAt.getUTCFullYear()]);
  const calendar = icalGenerator({
    // ical-generator escapes and folds every event property but prints NAME/X-WR-CALNAME as given: a title with a
    // line break would otherwise start new properties (or whole VEVENTs) in every subscriber's calendar.
    name: escapeText(options.name, false),
    prodId: { company: 'Diaspora Community Platform', product: 'events', language: 'EN' },
    ...(options.ttlSeconds ? { ttl: options.ttlSeconds } : {}),
  });
  // No calendar-wide zone name: DTSTAMP/CREATED/LAST-MODIFIED then stay in UTC (RFC 5545 requires it for DTSTAMP);
  // the generator still emits one VTIMEZONE per zone the events use.
  calendar.timezone({
    name: '',
    generator: (zone: string) => vtimezone(zone, years.length ? years : [new Date().getUTCFullYear()]),
  });
  for (const event of events) {
    const url = `${options.publicBaseUrl}/api/v1/events/${event.id}`;
    const item = calendar.createEvent({
      id: `${event.id}@diaspora.community`,
      start: wallClockDate(event.startsAt, event.timezone),
      end: wallClockDate(event.endsAt, event.timezone),
      timezone: event.timezone,
      stamp: event.updatedAt,
      lastModified: event.updatedAt,
      created: event.createdAt,
      summary: event.title,
      description: event.onlineUrl ? `${event.description}\n\nOnline: ${event.onlineUrl}` : event.description,
      url,
      status: event.status === 'canceled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      sequence: Math.max(0, Math.floor((event.updatedAt.getTime() - event.createdAt.getTime()) / 1000)),
      ...(event.venue
        ? {
            location: {
              title: event.venue.name,
              address: `${event.venue.address}, ${event.venue.city}, ${event.venue.country}`,
              geo: { lat: event.venue.lat, lon: event.venue.lon },
            },
          }
        : event.onlineUrl
          ? { location: event.onlineUrl }
          : {}),
      categories: [{ name: event.domain }],
    });
    if (event.status !== 'canceled')
      for (const minutes of options.reminderOffsetsMinutes)
        item.createAlarm({ type: ICalAlarmType.display, trigger: minutes * 60, description: event.title });
  }
  return calendar.toString();
}
