import { type CursorCodec, positions } from '@diaspora/service-kit';

/**
 * One keyset page over an id-ordered list. The cursor is the kit's signed one, bound to `binding` (the listing and
 * who asks), holding the last id shown; anything else is a 400 `invalid-cursor`. The query asks for one more row
 * than shown, so the answer knows whether another page follows.
 */
export async function idPage<T>(
  cursors: CursorCodec,
  binding: string,
  cursor: string | undefined,
  limit: number,
  fetch: (after: string | null, limit: number) => Promise<T[]>,
  idOf: (item: T) => string,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const after = cursors.decodeOptional(cursor, binding, positions.id) ?? null;
  const rows = await fetch(after, limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? cursors.encode(binding, idOf(last)) : null };
}
