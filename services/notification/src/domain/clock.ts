import type { QuietHours } from './types.js';

/** Minutes since local midnight at `at` in `timeZone` (an unknown zone counts as UTC). */
function localMinutes(at: Date, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
  } catch {
    return at.getUTCHours() * 60 + at.getUTCMinutes();
  }
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

/** The hour of the day at `at` in `timeZone`. */
export const localHour = (at: Date, timeZone: string) => Math.floor(localMinutes(at, timeZone) / 60);

const minutesOf = (hhmm: string) => {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
};

/**
 * When push and email may go again if `at` falls in the member's quiet hours (null when it does not). The window
 * may wrap midnight (22:00–07:00); start = end means no quiet hours.
 */
export function quietUntil(at: Date, timeZone: string, quiet: QuietHours | null | undefined): Date | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const now = localMinutes(at, timeZone);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return null;
  const wait = (end - now + 1440) % 1440;
  const until = new Date(at.getTime() + wait * 60_000);
  until.setUTCSeconds(0, 0);
  return until;
}
