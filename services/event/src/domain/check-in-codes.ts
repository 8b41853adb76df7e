import { randomInt } from 'node:crypto';

/**
 * Check-in codes: what a confirmed registration shows at the door (typed by hand or read from its QR code). The
 * code is a bearer secret of the registration, so it comes from the CSPRNG (`randomInt`), never `Math.random`.
 */

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
