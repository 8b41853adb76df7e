import { randomInt } from 'node:crypto';

/** Crockford base32 without I, L, O, U: no letters that read as digits when typed off a badge. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CHECK_IN_CODE_LENGTH = 8;

/** A short check-in code (40 bits): typed by hand at the door or read from the QR payload. */
export function newCheckInCode(): string {
  let code = '';
  for (let i = 0; i < CHECK_IN_CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** Accepts what people type: lower case, spaces and dashes, O for 0, I/L for 1. */
export function normalizeCheckInCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** What a scanner reads from the QR code: the event and the code, so a badge for another event is told apart. */
export function qrPayload(eventId: string, code: string): string {
  return `diaspora-checkin:v1:${eventId}:${code}`;
}

/** Accepts either a bare code or a QR payload; a payload names its event. */
export function parseScanned(input: string): { code: string; eventId?: string } {
  const match = /^diaspora-checkin:v1:([a-z]+_[0-9a-z]+):([0-9A-Za-z-]+)$/.exec(input.trim());
  if (match) return { eventId: match[1]!, code: normalizeCheckInCode(match[2]!) };
  return { code: normalizeCheckInCode(input) };
}

export const CRITERIA = [
  'eventQuality',
  'participantQuality',
  'exchangeQuality',
  'venueQuality',
  'organizerPerformance',
] as const;
export type Criterion = (typeof CRITERIA)[number];
export type Scores = Record<Criterion, number>;

export function averageOf(scores: Scores): number {
  return Math.round((CRITERIA.reduce((sum, name) => sum + scores[name], 0) / CRITERIA.length) * 100) / 100;
}

export interface ScorecardInput {
  year: number;
  now: Date;
  held: number;
  scheduled: number;
  quota: number | null;
  /** MM-DD */
  flagDate: string;
}

/**
 * Behind quota: the events held plus those still scheduled this year cannot reach the quota. Flagged: behind
 * quota once the configured day of the year has come (or the year is over).
 */
export function quotaStanding(input: ScorecardInput) {
  const flagDay = new Date(`${input.year}-${input.flagDate}T00:00:00Z`);
  if (input.quota === null) return { behindQuota: false, flagged: false, flagDay };
  const behindQuota = input.held + input.scheduled < input.quota;
  return { behindQuota, flagged: behindQuota && input.now >= flagDay, flagDay };
}
