import { problems } from '@diaspora/service-kit';

const ID = /^[a-z]{3}_[0-9a-z]{26}$/;

/** Opaque cursor over an id-ordered list: the last id of the page, base64url-encoded. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`v1:${lastId}`).toString('base64url');
}

/** The id a cursor continues after; a cursor we did not issue is a 400 on `field`. */
export function decodeCursor(cursor: string | undefined | null, field = 'cursor'): string | null {
  if (!cursor) return null;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith('v1:') ? decoded.slice(3) : '';
  if (!ID.test(id)) throw problems.validation([{ field, message: 'is not a cursor this service issued' }]);
  return id;
}

/**
 * Runs a keyset query for one more row than asked, so the answer knows whether another page follows.
 * `idOf` gives the ordering id of an item (the cursor is built from the last one shown).
 */
export async function page<T>(
  fetch: (after: string | null, limit: number) => Promise<T[]>,
  after: string | null,
  limit: number,
  idOf: (item: T) => string,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const rows = await fetch(after, limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(idOf(last)) : null };
}
