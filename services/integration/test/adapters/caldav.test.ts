import { newId } from '@diaspora/service-kit';
import { DAVClient } from 'tsdav';
import { describe, expect, it } from 'vitest';
import { CalDavAccount } from '../../src/adapters/caldav.js';
import { CalendarAuthError } from '../../src/domain/ports.js';

const serverUrl = process.env.RADICALE_URL;
const password = process.env.RADICALE_PASSWORD ?? '';

async function objects(username: string, calendarUrl: string) {
  const client = new DAVClient({
    serverUrl: serverUrl!,
    credentials: { username, password },
    authMethod: 'Basic',
    defaultAccountType: 'caldav',
  });
  await client.login();
  return client.fetchCalendarObjects({ calendar: { url: calendarUrl } as never });
}

describe.skipIf(!serverUrl)('CalDAV account against Radicale (skipped unless RADICALE_URL is set)', () => {
  it('finds or makes the Diaspora calendar, then creates, updates and removes an event', async () => {
    const credentials = { serverUrl: serverUrl!, username: 'member2', password };
    const { account, calendarUrl } = await CalDavAccount.connect(credentials);
    const again = await CalDavAccount.connect(credentials);
    expect(again.calendarUrl).toBe(calendarUrl);

    const eventId = newId('evt');
    const entry = {
      eventId,
      title: 'Diaspora meetup; Paris, line\nbreak',
      startsAt: new Date('2027-01-10T18:00:00Z'),
      endsAt: new Date('2027-01-10T20:00:00Z'),
      timezone: 'Europe/Paris',
      location: 'Maison de la Diaspora, Paris',
      canceled: false,
    };
    const created = await account.upsert(entry);
    let stored = (await objects('member2', calendarUrl)).find((o) => o.url.endsWith(`${eventId}.ics`));
    expect(stored?.data).toContain(`UID:${eventId}@diaspora.community`);
    expect(stored?.data).toContain('SUMMARY:Diaspora meetup\\; Paris\\, line\\nbreak');
    expect(stored?.data).toContain('DTSTART:20270110T180000Z');

    const item = { userId: 'usr_x', provider: 'apple' as const, eventId, ...created, syncedAt: new Date() };
    const updated = await account.upsert(
      { ...entry, startsAt: new Date('2027-01-10T19:00:00Z'), canceled: true },
      item,
    );
    expect(updated.remoteRef).toBe(created.remoteRef);
    stored = (await objects('member2', calendarUrl)).find((o) => o.url.endsWith(`${eventId}.ics`));
    expect(stored?.data).toContain('DTSTART:20270110T190000Z');
    expect(stored?.data).toContain('STATUS:CANCELLED');
    // A stale etag (edited on the member's side meanwhile) still ends with the platform's version.
    await account.upsert({ ...entry, title: 'Renamed' }, { ...item, etag: '"stale"' });
    stored = (await objects('member2', calendarUrl)).find((o) => o.url.endsWith(`${eventId}.ics`));
    expect(stored?.data).toContain('SUMMARY:Renamed');

    await account.remove({ ...item, ...updated });
    await account.remove({ ...item, ...updated }); // already gone: fine
    expect((await objects('member2', calendarUrl)).some((o) => o.url.endsWith(`${eventId}.ics`))).toBe(false);
  });

  it('says a refused password is an authentication failure', async () => {
    await expect(
      CalDavAccount.connect({ serverUrl: serverUrl!, username: 'member2', password: 'wrong' }),
    ).rejects.toBeInstanceOf(CalendarAuthError);
  });
});
