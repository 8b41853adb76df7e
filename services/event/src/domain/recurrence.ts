import { type FieldError, problems } from '@diaspora/service-kit';
import rrule from 'rrule';
import { wallTime, zonedToUtc } from './time-zones.js';

const { RRule } = rrule;

export interface Occurrence {
  index: number;
  startsAt: Date;
  endsAt: Date;
}

const TOO_FREQUENT = new Set([RRule.HOURLY, RRule.MINUTELY, RRule.SECONDLY]);
const HORIZON_MS = 2 * 366 * 86_400_000;

/** `FREQ=WEEKLY;COUNT=4` or `RRULE:FREQ=WEEKLY;COUNT=4`, without DTSTART (the event's start is the DTSTART). */
export function normalizeRule(text: string): string {
  return text
    .trim()
    .replace(/^RRULE:/i, '')
    .toUpperCase();
}

function invalid(message: string): never {
  throw problems.validation([{ field: 'recurrence', message } satisfies FieldError]);
}

/**
 * Materializes an RRULE (RFC 5545) into occurrences that keep the first occurrence's wall-clock time and duration
 * in the event's time zone (7 pm stays 7 pm across daylight-saving changes). Bounded by `maxOccurrences` and a
 * two-year horizon; an unbounded rule takes the first `maxOccurrences`.
 */
export function expandRecurrence(
  ruleText: string,
  first: { startsAt: Date; endsAt: Date; timezone: string },
  maxOccurrences: number,
): Occurrence[] {
  const rule = normalizeRule(ruleText);
  if (/DTSTART|TZID|\n/.test(rule)) invalid('give the RRULE part only; the event start is its DTSTART');
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(rule);
  } catch (error) {
    return invalid(`is not a valid RRULE: ${(error as Error).message}`);
  }
  if (options.freq === undefined) invalid('an RRULE needs FREQ');
  if (TOO_FREQUENT.has(options.freq!)) invalid('events recur at most daily');
  if (options.count !== undefined && options.count !== null && options.count > maxOccurrences)
    invalid(`at most ${maxOccurrences} occurrences`);
  // Expand in "floating" wall-clock time (UTC fields standing for local fields), then place each in the zone.
  const local = wallTime(first.startsAt, first.timezone);
  const dtstart = new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second));
  let expanded: Date[];
  try {
    const recurrence = new RRule({ ...options, dtstart });
    const horizon = new Date(dtstart.getTime() + HORIZON_MS);
    expanded = recurrence.all((date, index) => index < maxOccurrences && date <= horizon);
  } catch (error) {
    return invalid(`is not a valid RRULE: ${(error as Error).message}`);
  }
  if (expanded.length === 0) invalid('produces no occurrence');
  const duration = first.endsAt.getTime() - first.startsAt.getTime();
  return expanded.map((floating, index) => {
    const startsAt = zonedToUtc(
      {
        year: floating.getUTCFullYear(),
        month: floating.getUTCMonth() + 1,
        day: floating.getUTCDate(),
        hour: floating.getUTCHours(),
        minute: floating.getUTCMinutes(),
        second: floating.getUTCSeconds(),
      },
      first.timezone,
    );
    return { index, startsAt, endsAt: new Date(startsAt.getTime() + duration) };
  });
}
