import { CalendarConnectionBroken } from '@diaspora/events';
import { createLogger, Database, kitMigrations, MemoryCache, migrate } from '@diaspora/service-kit';
import { freshDatabase } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalGoogleConnector } from '../../src/adapters/local-google-calendar.js';
import { EnvelopeVault } from '../../src/adapters/vault.js';
import { CalendarSync } from '../../src/domain/calendars.js';
import type { CalendarEntry, CalendarItem } from '../../src/domain/model.js';
import { type AppleConnector, CalendarAuthError } from '../../src/domain/ports.js';
import { migrations } from '../../src/store/migrations.js';
import { PostgresIntegrationStore } from '../../src/store/postgres.js';

/** An Apple account in memory whose password can be revoked. */
class FakeApple implements AppleConnector {
  revoked = false;
  written = new Map<string, CalendarEntry>();
  async connect() {
    return { calendarRef: 'memory://diaspora/' };
  }
  async open() {
    if (this.revoked) throw new CalendarAuthError('the CalDAV server refused the app-specific password');
    return {
      upsert: async (entry: CalendarEntry) => {
        this.written.set(entry.eventId, entry);
        return { remoteRef: `memory://diaspora/${entry.eventId}.ics` };
      },
      remove: async (item: CalendarItem) => void this.written.delete(item.eventId),
    };
  }
}

describe('calendar sync', () => {
  let db: Database;
  let store: PostgresIntegrationStore;
  beforeAll(async () => {
    db = new Database(await freshDatabase());
    await migrate(db, { service: 'integration', migrations: [...kitMigrations, ...migrations] });
    store = new PostgresIntegrationStore(db);
  });
  afterAll(async () => db?.close());

  const build = (apple: FakeApple, published: { subject: string; data: unknown }[], upcoming: CalendarEntry[] = []) =>
    new CalendarSync({
      store,
      vault: new EnvelopeVault('calendar-test-key-0123456789abcdefghijkl'),
      policy: { assertAllowed: async () => {} },
      apple,
      google: new LocalGoogleConnector('http://localhost/callback', createLogger({ service: 'test', level: 'silent' })),
      cache: new MemoryCache(),
      events: { get: async () => undefined, upcomingFor: async () => upcoming },
      publish: async (definition, data) => void published.push({ subject: definition.subject, data }),
      clock: () => new Date(),
      logger: createLogger({ service: 'test', level: 'silent' }),
      defaultCalDavUrl: 'https://caldav.icloud.com/',
    });

  const event = (eventId: string) => ({
    eventId,
    eventTitle: 'Gala',
    startsAt: '2027-05-01T19:00:00.000Z',
    timezone: 'Africa/Dakar',
    city: 'Dakar',
    country: 'SN',
  });

  it('pushes upcoming events on connect, and a registration from its event data when the event service is away', async () => {
    const apple = new FakeApple();
    const upcoming = [
      { eventId: 'evt_up', title: 'Up', startsAt: new Date(), endsAt: new Date(), timezone: 'UTC', canceled: false },
    ];
    const sync = build(apple, [], upcoming);
    await sync.connectApple('usr_a', { username: 'a@icloud.com', appPassword: 'abcd-efgh-ijkl-mnop' });
    expect([...apple.written.keys()]).toEqual(['evt_up']);
    await sync.registered('usr_a', event('evt_gala'));
    expect(apple.written.get('evt_gala')).toMatchObject({
      title: 'Gala',
      location: 'Dakar, SN',
      endsAt: new Date('2027-05-01T21:00:00.000Z'),
    });
    expect((await store.calendars.item('usr_a', 'apple', 'evt_gala'))?.remoteRef).toBe(
      'memory://diaspora/evt_gala.ics',
    );
  });

  it('a refused password marks the connection broken and tells the member, once, instead of retrying', async () => {
    const apple = new FakeApple();
    const published: { subject: string; data: unknown }[] = [];
    const sync = build(apple, published);
    await sync.connectApple('usr_b', { username: 'b@icloud.com', appPassword: 'pw' });
    apple.revoked = true;
    await sync.registered('usr_b', event('evt_1')); // no throw: nothing to retry
    expect(await store.calendars.connection('usr_b', 'apple')).toMatchObject({
      status: 'broken',
      brokenReason: expect.stringContaining('refused'),
    });
    expect(published).toEqual([
      {
        subject: CalendarConnectionBroken.subject,
        data: expect.objectContaining({ userId: 'usr_b', provider: 'apple' }),
      },
    ]);
    await sync.registered('usr_b', event('evt_2'));
    expect(published).toHaveLength(1);
    expect((await sync.connections('usr_b')).connections).toEqual([expect.objectContaining({ status: 'broken' })]);
    // Reconnecting heals it.
    apple.revoked = false;
    await sync.connectApple('usr_b', { username: 'b@icloud.com', appPassword: 'new-pw' });
    expect(await store.calendars.connection('usr_b', 'apple')).toMatchObject({ status: 'active' });
  });
});
