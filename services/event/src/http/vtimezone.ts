import { offsetMinutes, transitionsInYear } from '../domain/time-zones.js';

const pad = (value: number) => String(value).padStart(2, '0');

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60))}${pad(absolute % 60)}`;
}

/** Local time (in the offset before the change) of a transition, as an RFC 5545 DATE-TIME without zone. */
function localStamp(at: Date, offset: number): string {
  const local = new Date(at.getTime() + offset * 60_000);
  return `${local.getUTCFullYear()}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}T${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}`;
}

/**
 * A VTIMEZONE (RFC 5545 §3.6.5) for `zone` covering `years`, built from the runtime's own tz data: one STANDARD
 * component with the offset in force at the start, then every transition of those years as its own
 * STANDARD/DAYLIGHT component. Explicit dates instead of RRULEs: exact for zones whose rules changed.
 */
export function vtimezone(zone: string, years: number[]): string {
  const sorted = [...new Set(years)].sort();
  const first = sorted[0] ?? new Date().getUTCFullYear();
  const initial = offsetMinutes(new Date(Date.UTC(first, 0, 1)), zone);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  lines.push(
    'BEGIN:STANDARD',
    `DTSTART:${first - 1}0101T000000`,
    `TZOFFSETFROM:${offsetText(initial)}`,
    `TZOFFSETTO:${offsetText(initial)}`,
    'END:STANDARD',
  );
  for (const year of sorted) {
    for (const transition of transitionsInYear(zone, year)) {
      const kind = transition.offsetTo > transition.offsetFrom ? 'DAYLIGHT' : 'STANDARD';
      lines.push(
        `BEGIN:${kind}`,
        `DTSTART:${localStamp(transition.at, transition.offsetFrom)}`,
        `TZOFFSETFROM:${offsetText(transition.offsetFrom)}`,
        `TZOFFSETTO:${offsetText(transition.offsetTo)}`,
        `END:${kind}`,
      );
    }
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}
