import { EventCanceled, EventPublished, EventUpdated } from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, member, publish, startContent } from '../fixtures.js';

const viewer = member({ originCountry: 'SN', residenceCountry: 'FR', residenceCity: 'Paris' });
let ctx: Awaited<ReturnType<typeof startContent>>;
beforeAll(async () => {
  ctx = await startContent([viewer]);
});
afterAll(() => ctx?.close());

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
function snapshot(overrides: Record<string, unknown>) {
  return {
    eventId: newId('evt'),
    title: 'An event',
    domain: 'ict',
    type: 'free' as const,
    status: 'published' as const,
    startsAt: inDays(3),
    endsAt: inDays(3.1),
    timezone: 'Europe/Paris',
    online: false,
    languages: ['fr'],
    organizerId: newId('usr'),
    capacity: 100,
    registeredCount: 0,
    ...overrides,
  };
}
type Page = {
  items: { relevance: string; popular: boolean; event: { eventId: string; title: string } }[];
  nextCursor: string | null;
};
const events = async (query = '') => {
  const response = await ctx.app.inject({
    url: `/api/v1/content/feed?section=events${query}`,
    headers: bearer(viewer),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Page;
};

describe('feed, events section (read model fed by events.event.*)', () => {
  const e: Record<string, ReturnType<typeof snapshot>> = {};
  beforeAll(async () => {
    e.parisLater = snapshot({
      title: 'Paris later',
      country: 'FR',
      city: 'Paris',
      startsAt: inDays(10),
      lat: 48.86,
      lon: 2.35,
    });
    e.parisSoon = snapshot({
      title: 'Paris soon',
      country: 'FR',
      city: 'paris',
      startsAt: inDays(2),
      lat: 48.85,
      lon: 2.34,
    });
    e.dakar = snapshot({
      title: 'Dakar',
      country: 'SN',
      city: 'Dakar',
      startsAt: inDays(1),
      domain: 'health',
      languages: ['wo', 'fr'],
    });
    e.online = snapshot({ title: 'Online', online: true, startsAt: inDays(4), languages: ['en'] });
    e.berlin = snapshot({ title: 'Berlin', country: 'DE', city: 'Berlin', startsAt: inDays(1), languages: ['de'] });
    e.past = snapshot({ title: 'Past', country: 'FR', city: 'Paris', startsAt: inDays(-1) });
    e.canceled = snapshot({ title: 'Canceled', country: 'FR', city: 'Paris' });
    for (const card of Object.values(e)) await publish(ctx.service, EventPublished, card, { source: 'event' });
    await publish(
      ctx.service,
      EventCanceled,
      { ...e.canceled!, status: 'canceled', reason: 'rain' },
      { source: 'event' },
    );
    await until(async () => (await events()).items.length === 5 || undefined);
  });

  it('lists upcoming events: your city, then your origin country, then online, then elsewhere — soonest first', async () => {
    const page = await events();
    expect(page.items.map((item) => [item.event.title, item.relevance])).toEqual([
      ['Paris soon', 'your_city'],
      ['Paris later', 'your_city'],
      ['Dakar', 'origin_country'],
      ['Online', 'online'],
      ['Berlin', 'elsewhere'],
    ]);
  });

  it('pages with stable cursors and filters by country, city, area, language and domain', async () => {
    const first = await events('&limit=2');
    const second = await events(`&limit=2&cursor=${first.nextCursor}`);
    const third = await events(`&limit=2&cursor=${second.nextCursor}`);
    expect([...first.items, ...second.items, ...third.items].map((item) => item.event.title)).toEqual([
      'Paris soon',
      'Paris later',
      'Dakar',
      'Online',
      'Berlin',
    ]);
    expect(third.nextCursor).toBeNull();
    const titles = async (query: string) => (await events(query)).items.map((item) => item.event.title);
    expect(await titles('&country=SN')).toEqual(['Dakar']);
    expect(await titles('&city=PARIS')).toEqual(['Paris soon', 'Paris later']);
    expect(await titles('&near=48.85,2.34&radiusKm=1')).toEqual(['Paris soon']);
    expect(await titles('&language=wo')).toEqual(['Dakar']);
    expect(await titles('&domain=health')).toEqual(['Dakar']);
    const tampered = await ctx.app.inject({
      url: `/api/v1/content/feed?section=events&cursor=${first.nextCursor}x`,
      headers: bearer(viewer),
    });
    expect(tampered.statusCode).toBe(400);
  });

  it('follows updates (popularity), ignores reordered older snapshots and drops canceled events', async () => {
    const now = new Date();
    await publish(
      ctx.service,
      EventUpdated,
      { ...e.berlin!, registeredCount: 80, changed: ['registeredCount'] },
      { source: 'event', occurredAt: now },
    );
    await publish(
      ctx.service,
      EventUpdated,
      { ...e.berlin!, registeredCount: 1, changed: ['registeredCount'] },
      { source: 'event', occurredAt: new Date(now.getTime() - 60_000) },
    );
    await until(async () => (await events('&country=DE')).items[0]?.popular || undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await events('&country=DE')).items[0]).toMatchObject({ popular: true });
    await publish(ctx.service, EventCanceled, { ...e.berlin!, status: 'canceled' }, { source: 'event' });
    await until(async () => (await events('&country=DE')).items.length === 0 || undefined);
  });
});
