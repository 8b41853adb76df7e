/** Wall-clock arithmetic in IANA time zones with nothing but Intl (no tz database of our own to keep fresh). */

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** The wall clock in `zone` at the instant `date`. */
export function wallTime(date: Date, zone: string): WallTime {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const asUtc = (wall: WallTime) => Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);

/** UTC offset of `zone` at `date`, in minutes east of UTC (Paris in summer: 120). */
export function offsetMinutes(date: Date, zone: string): number {
  const wall = wallTime(date, zone);
  return Math.round((asUtc(wall) - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the wall clock in `zone` shows `wall`. In a spring-forward gap the time is pushed past
 * the gap; in a fall-back overlap the earlier instant is taken (RFC 5545 §3.3.5 does the same).
 */
export function zonedToUtc(wall: WallTime, zone: string): Date {
  const guess = asUtc(wall);
  const offsets = [
    ...new Set([offsetMinutes(new Date(guess), zone), offsetMinutes(new Date(guess - 86_400_000), zone)]),
  ];
  const candidates = offsets.map((offset) => guess - offset * 60_000);
  const exact = candidates.filter((instant) => asUtc(wallTime(new Date(instant), zone)) === guess);
  if (exact.length) return new Date(Math.min(...exact));
  // In a gap: read the wall time with the offset in force before it (02:30 → 03:30 on a spring-forward night).
  return new Date(guess - Math.min(...offsets) * 60_000);
}

export interface ZoneTransition {
  at: Date;
  offsetFrom: number;
  offsetTo: number;
}

/** The offset changes of `zone` during `year`, found by scanning days and bisecting to the minute. */
export function transitionsInYear(zone: string, year: number): ZoneTransition[] {
  const found: ZoneTransition[] = [];
  let previous = Date.UTC(year, 0, 1);
  let previousOffset = offsetMinutes(new Date(previous), zone);
  const end = Date.UTC(year + 1, 0, 1);
  for (let t = previous + 86_400_000; t <= end; t += 86_400_000) {
    const offset = offsetMinutes(new Date(t), zone);
    if (offset !== previousOffset) {
      let low = previous;
      let high = t;
      while (high - low > 60_000) {
        const middle = Math.floor((low + high) / 2 / 60_000) * 60_000;
        if (offsetMinutes(new Date(middle), zone) === previousOffset) low = middle;
        else high = middle;
      }
      found.push({ at: new Date(high), offsetFrom: previousOffset, offsetTo: offset });
      previousOffset = offset;
    }
    previous = t;
  }
  return found;
}
