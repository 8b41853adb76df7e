import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { problems } from '@diaspora/service-kit';

const invalid = () => problems.badRequest('The cursor is invalid: start again from the first page.', 'invalid-cursor');

/**
 * Opaque, signed page cursors. The signature covers the position, the section, the viewer and the filters, so a
 * cursor edited by hand, or replayed by another member or with other filters, is refused with 400.
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
    if (!body || !signature || extra !== undefined) throw invalid();
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
    let parsed: { b?: unknown; p?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (parsed.b !== binding || !valid(parsed.p)) throw invalid();
    return parsed.p;
  }
}

/** What a cursor is bound to: section, viewer and the normalized filters. */
export function cursorBinding(section: string, viewerId: string, filters: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(filters)
      .sort()
      .filter((key) => filters[key] !== undefined)
      .map((key) => [key, filters[key]]),
  );
  return `${section}:${viewerId}:${createHash('sha256').update(canonical).digest('base64url').slice(0, 16)}`;
}
