import { describe, expect, it } from 'vitest';
import { newCheckInCode, normalizeCheckInCode, parseScanned, qrPayload } from '../../src/domain/check-in-codes.js';
import { expandRecurrence } from '../../src/domain/recurrence.js';
import { quotaStanding } from '../../src/domain/rules.js';
import { offsetMinutes, transitionsInYear, wallTime, zonedToUtc } from '../../src/domain/time-zones.js';
import { vtimezone } from '../../src/http/vtimezone.js';

describe('time zones', () => {
  it('converts wall clocks both ways across daylight saving', () => {
    expect(offsetMinutes(new Date('2027-01-15T12:00:00Z'), 'Europe/Paris')).toBe(60);
    expect(offsetMinutes(new Date('2027-07-15T12:00:00Z'), 'Europe/Paris')).toBe(120);
    expect(
      zonedToUtc({ year: 2027, month: 7, day: 15, hour: 19, minute: 0, second: 0 }, 'Europe/Paris').toISOString(),
    ).toBe('2027-07-15T17:00:00.000Z');
    expect(wallTime(new Date('2027-01-15T18:00:00Z'), 'Europe/Paris')).toMatchObject({ hour: 19, day: 15 });
    // 02:30 on the spring-forward night does not exist in Paris: pushed past the gap.
    const gap = zonedToUtc({ year: 2027, month: 3, day: 28, hour: 2, minute: 30, second: 0 }, 'Europe/Paris');
    expect(wallTime(gap, 'Europe/Paris').hour).toBe(3);
  });

  it('finds the year’s transitions, and none where there are none', () => {
    const paris = transitionsInYear('Europe/Paris', 2027);
    expect(paris.map((t) => [t.at.toISOString(), t.offsetFrom, t.offsetTo])).toEqual([
      ['2027-03-28T01:00:00.000Z', 60, 120],
      ['2027-10-31T01:00:00.000Z', 120, 60],
    ]);
    expect(transitionsInYear('Africa/Dakar', 2027)).toEqual([]);
  });

  it('writes a VTIMEZONE with the exact local transition times', () => {
    const text = vtimezone('America/New_York', [2027]);
    expect(text).toContain('TZID:America/New_York');
    expect(text).toContain('BEGIN:DAYLIGHT\r\nDTSTART:20270314T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400');
    expect(text).toContain('BEGIN:STANDARD\r\nDTSTART:20271107T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500');
    expect(vtimezone('Africa/Dakar', [2027])).not.toContain('DAYLIGHT');
  });
});

describe('recurrence', () => {
  const first = {
    startsAt: new Date('2027-03-14T18:00:00Z'), // 19:00 in Paris (CET)
    endsAt: new Date('2027-03-14T20:00:00Z'),
    timezone: 'Europe/Paris',
  };

  it('keeps the local time across a daylight-saving change', () => {
    const occurrences = expandRecurrence('FREQ=WEEKLY;COUNT=3', first, 52);
    expect(occurrences.map((o) => o.startsAt.toISOString())).toEqual([
      '2027-03-14T18:00:00.000Z',
      '2027-03-21T18:00:00.000Z',
      '2027-03-28T17:00:00.000Z', // CEST: still 19:00 in Paris
    ]);
    expect(occurrences.every((o) => o.endsAt.getTime() - o.startsAt.getTime() === 7_200_000)).toBe(true);
  });

  it('bounds unbounded rules and refuses what it cannot honour', () => {
    expect(expandRecurrence('FREQ=DAILY', first, 10)).toHaveLength(10);
    expect(expandRecurrence('FREQ=MONTHLY;UNTIL=20270601T000000Z', first, 52)).toHaveLength(3);
    expect(() => expandRecurrence('FREQ=DAILY;COUNT=400', first, 52)).toThrow();
    expect(() => expandRecurrence('FREQ=MINUTELY', first, 52)).toThrow();
    expect(() => expandRecurrence('DTSTART:20270101T000000Z\nFREQ=DAILY', first, 52)).toThrow();
    expect(() => expandRecurrence('COUNT=3', first, 52)).toThrow();
  });
});

describe('check-in codes', () => {
  it('are 8 unambiguous characters and tolerate how people type them', () => {
    const code = newCheckInCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(normalizeCheckInCode('ab1o-il9z')).toBe('AB10119Z');
    expect(parseScanned(qrPayload('evt_01abc', 'AB12CD34'))).toEqual({ eventId: 'evt_01abc', code: 'AB12CD34' });
    expect(parseScanned(' ab12 cd34 ')).toEqual({ code: 'AB12CD34' });
  });
});

describe('consul quota', () => {
  const base = { year: 2027, quota: 4, flagDate: '09-30' };
  it('is behind when held plus scheduled cannot reach the quota; flagged only after the flag date', () => {
    expect(quotaStanding({ ...base, now: new Date('2027-05-01'), held: 1, scheduled: 1 })).toMatchObject({
      behindQuota: true,
      flagged: false,
    });
    expect(quotaStanding({ ...base, now: new Date('2027-10-01'), held: 1, scheduled: 1 })).toMatchObject({
      behindQuota: true,
      flagged: true,
    });
    expect(quotaStanding({ ...base, now: new Date('2027-10-01'), held: 2, scheduled: 2 })).toMatchObject({
      behindQuota: false,
      flagged: false,
    });
    expect(quotaStanding({ ...base, quota: null, now: new Date('2027-12-01'), held: 0, scheduled: 0 }).flagged).toBe(
      false,
    );
  });
});
