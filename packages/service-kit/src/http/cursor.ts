import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { problems } from '../errors.js';

/** The one answer to a cursor this service did not issue, or issued for another listing. */
export const invalidCursor = () =>
  problems.badRequest('The cursor is invalid: start again from the first page.', 'invalid-cursor');

/**
 * Opaque, signed page cursors, one format for every listing. The signature covers the position and a binding
 * (the listing, and for personal listings the viewer and filters), so a cursor edited by hand, or replayed by
 * another member or on another listing, is refused with 400 `invalid-cursor`.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 32);
  }

  encode(binding: string, position: unknown): string {
    const body = Buffer.from(JSON.stringify({ b: binding, p: position })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The position inside `cursor`, after checking its signature and binding; `valid` checks its shape. */
  decode<T>(cursor: string, binding: string, valid: (position: unknown) => position is T): T {
    const [body, signature, extra] = cursor.split('.');
    if (!body || !signature || extra !== undefined) throw invalidCursor();
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalidCursor();
    let parsed: { b?: unknown; p?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
    if (parsed.b !== binding || !valid(parsed.p)) throw invalidCursor();
    return parsed.p;
  }

  /** `decode` for an optional query parameter: no cursor is the first page. */
  decodeOptional<T>(cursor: string | undefined | null, binding: string, valid: (p: unknown) => p is T): T | undefined {
    return cursor ? this.decode(cursor, binding, valid) : undefined;
  }
}

/** A binding for a listing that depends on who asks and with which filters (undefined filters are ignored). */
export function cursorBinding(listing: string, viewerId: string, filters: Record<string, unknown> = {}): string {
  const canonical = JSON.stringify(
    Object.keys(filters)
      .sort()
      .filter((key) => filters[key] !== undefined)
      .map((key) => [key, filters[key]]),
  );
  return `${listing}:${viewerId}:${createHash('sha256').update(canonical).digest('base64url').slice(0, 16)}`;
}

/** Position checks for the common keyset shapes. */
export const positions = {
  /** `[isoDate, id]`, e.g. `[startsAt, evt_…]`. */
  dateAndId: (p: unknown): p is [string, string] =>
    Array.isArray(p) &&
    p.length === 2 &&
    typeof p[0] === 'string' &&
    !Number.isNaN(Date.parse(p[0])) &&
    typeof p[1] === 'string',
  /** A prefixed id, e.g. `usr_…`. */
  id: (p: unknown): p is string => typeof p === 'string' && /^[a-z]{3}_[0-9a-z]{26}$/.test(p),
  /** A non-negative integer offset or sequence number. */
  count: (p: unknown): p is number => typeof p === 'number' && Number.isSafeInteger(p) && p >= 0,
};
