import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Audience } from '../../src/domain/ports.js';
import { PgEventStore } from '../../src/store/events-repository.js';
import { type Harness, startEventService } from '../fixtures.js';

let h: Harness;
let store: PgEventStore;

/** The single-OR query /upcoming ran before the UNION ALL branches: the branches must page to the same rows. */
const REFERENCE = `SELECT id FROM events WHERE status = 'published' AND ends_at > now()
  AND ((country = $1 AND city_key = lower($2)) OR (type = 'national' AND country = $1) OR country = $3)
  ORDER BY starts_at, id`;

beforeAll(async () => {
  h = await startEventService();
  store = new PgEventStore(h.service.context.db);
  // 240 events over three countries and four cities, every type, some canceled, some over, several at the same
  // start (so the keyset's id tie-break matters); whole seconds, as the API stores them (cursors carry ms).
  await h.service.context.db.query(`
    INSERT INTO events (id, organizer_id, type, status, title, description, domain, starts_at, ends_at, timezone,
      venue_name, venue_address, city, country, lat, lon, capacity, languages)
    SELECT 'evt_aq' || lpad(i::text, 4, '0'), 'usr_aq', (ARRAY['free', 'national', 'local', 'free'])[1 + i % 4],
      CASE WHEN i % 11 = 0 THEN 'canceled' ELSE 'published' END, 'E' || i, 'x', 'ict',
      date_trunc('second', now()) + make_interval(hours => (i / 3) - 10),
      date_trunc('second', now()) + make_interval(hours => (i / 3) - 8), 'UTC', 'Hall', 'x',
      (ARRAY['Paris', 'Lyon', 'Dakar', 'Berlin'])[1 + i % 4], (ARRAY['FR', 'FR', 'SN', 'FR', 'DE'])[1 + i % 5],
      0, 0, 10, ARRAY['fr']
    FROM generate_series(1, 240) AS i`);
});

afterAll(async () => h?.close());

async function pages(audience: Audience, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let after: { startsAt: Date; id: string } | undefined;
  for (;;) {
    const slice = await store.upcomingFor(audience, limit, after);
    seen.push(...slice.items.map((event) => event.id));
    if (!slice.hasMore) return seen;
    const last = slice.items.at(-1)!;
    after = { startsAt: last.startsAt, id: last.id };
  }
}

describe('the /upcoming audience query (UNION ALL of indexed branches)', () => {
  const audiences: Audience[] = [
    { residenceCountry: 'FR', residenceCity: 'Paris', originCountry: 'SN' },
    { residenceCountry: 'FR', residenceCity: 'Paris', originCountry: 'FR' },
    { residenceCountry: 'FR', originCountry: 'FR' },
    { residenceCountry: 'DE', residenceCity: 'Berlin' },
    { originCountry: 'SN' },
  ];
  for (const audience of audiences)
    it(`pages to exactly the rows of the single OR query, once each: ${JSON.stringify(audience)}`, async () => {
      const { rows } = await h.service.context.db.query<{ id: string }>(REFERENCE, [
        audience.residenceCountry ?? null,
        audience.residenceCity ?? null,
        audience.originCountry ?? null,
      ]);
      expect(rows.length).toBeGreaterThan(0);
      for (const limit of [7, 50]) expect(await pages(audience, limit)).toEqual(rows.map((row) => row.id));
    });

  it('an audience with no place returns nothing', async () => {
    expect(await store.upcomingFor({}, 10)).toEqual({ items: [], hasMore: false });
  });
});
