import { freshDatabase } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';

let db: Database;
beforeAll(async () => {
  // One connection, so every query below meets the statement prepared by the first.
  db = new Database(await freshDatabase(), { max: 1 });
});
afterAll(() => db?.close());

describe('Database: named queries', () => {
  it('prepares a named query once per connection and runs it with new values', async () => {
    const byNumber = (n: number) =>
      db.query({ name: 'kit-test-square', text: 'SELECT $1::int * $1::int AS square', values: [n] });
    expect((await byNumber(3)).rows).toEqual([{ square: 9 }]);
    expect((await byNumber(4)).rows).toEqual([{ square: 16 }]);
    const { rows } = await db.query(
      "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'kit-test-square'",
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('still takes a plain text with parameters', async () => {
    expect((await db.query('SELECT $1::text AS echo', ['plain'])).rows).toEqual([{ echo: 'plain' }]);
  });
});
