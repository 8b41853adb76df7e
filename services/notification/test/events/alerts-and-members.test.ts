import { EventPublished, UserDeleted, UserProfileUpdated, UserRegistered } from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliver,
  fakeUser,
  type Harness,
  headersOf,
  inbox,
  now,
  processed,
  startNotificationService,
} from '../fixtures.js';

const parisIct = Array.from({ length: 3 }, (_, i) => fakeUser({ displayName: `P${i}`, residenceCity: 'Paris' }));
const lyonIct = fakeUser({ residenceCity: 'Lyon', languages: ['fr'] });
const parisHealth = fakeUser({ residenceCity: 'Paris', domains: ['health'] });
const organizer = fakeUser({ residenceCity: 'Paris' });
let h: Harness;
beforeAll(async () => {
  h = await startNotificationService({
    users: [...parisIct, lyonIct, parisHealth, organizer],
    env: { NEW_EVENT_DAILY_CAP: '2' },
  });
});
afterAll(async () => h?.close());

const snapshot = (overrides: Record<string, unknown> = {}) => ({
  eventId: newId('evt'),
  title: 'Tech night',
  domain: 'ict',
  type: 'local' as const,
  status: 'published' as const,
  startsAt: new Date(Date.now() + 86_400_000).toISOString(),
  endsAt: new Date(Date.now() + 90_000_000).toISOString(),
  timezone: 'Europe/Paris',
  country: 'FR',
  city: 'Paris',
  online: false,
  languages: ['fr'],
  organizerId: organizer.id,
  capacity: 50,
  registeredCount: 0,
  ...overrides,
});

const alerts = async (userId: string) => (await inbox(h, userId)).items.filter((n) => n.type === 'new_event');

describe('new-event alerts (events.event.published)', () => {
  it('a local event alerts its city’s members with the domain; a national one the country; capped per day', async () => {
    await deliver(h, EventPublished, snapshot());
    await until(async () => (await alerts(parisIct[2]!.id)).length === 1, { timeoutMs: 10_000 });
    for (const member of parisIct) expect(await alerts(member.id)).toHaveLength(1);
    expect(await alerts(lyonIct.id)).toHaveLength(0);
    expect(await alerts(parisHealth.id)).toHaveLength(0);
    expect(await alerts(organizer.id)).toHaveLength(0);
    expect(h.messaging.frames.filter((f) => f.notification.type === 'new_event')).toHaveLength(3);

    const national = snapshot({ type: 'national', title: 'Forum national', city: undefined });
    await deliver(h, EventPublished, national);
    await until(async () => (await alerts(lyonIct.id)).length === 1, { timeoutMs: 10_000 });
    expect((await alerts(lyonIct.id))[0]).toMatchObject({
      title: 'Nouvel événement près de chez vous',
      body: '« Forum national » — FR.',
      data: { eventId: national.eventId },
    });
    // Third alert of the day: over the cap of 2, nobody gets it.
    const third = snapshot({ title: 'One too many' });
    await deliver(h, EventPublished, third);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await alerts(parisIct[0]!.id)).map((n) => n.body)).not.toContain('“One too many” — Paris.');
    expect(await alerts(parisIct[0]!.id)).toHaveLength(2);
  });
});

describe('member records and GDPR', () => {
  it('registration and profile updates keep join date, arrival and languages; export and erasure cover everything', async () => {
    const member = fakeUser({ displayName: 'Leaver', timeZone: 'Africa/Dakar', residenceCity: 'Lyon' });
    h.users.users.set(member.id, member);
    const registered = await deliver(h, UserRegistered, {
      userId: member.id,
      displayName: 'Leaver',
      originCountry: 'SN',
      residenceCountry: 'FR',
      residenceCity: 'Paris',
      languages: ['fr'],
      domains: ['ict'],
      registeredAt: '2024-05-01T10:00:00.000Z',
    });
    await processed(h, registered.id);
    await deliver(h, UserProfileUpdated, {
      userId: member.id,
      displayName: 'Leaver',
      originCountry: 'SN',
      residenceCountry: 'FR',
      residenceCity: 'Lyon',
      languages: ['fr', 'en'],
      domains: ['ict'],
      changed: ['residenceCity', 'arrivedAt'],
      updatedAt: now(),
      arrivedAt: '2015-09-01',
    } as never);
    const db = h.service.context.db;
    await until(
      async () => (await db.query('SELECT city FROM members WHERE user_id = $1', [member.id])).rows[0]?.city === 'Lyon',
    );
    const { rows } = await db.query(
      `SELECT time_zone, languages, to_char(arrived_at, 'YYYY-MM-DD') AS arrived, joined_at FROM members WHERE user_id = $1`,
      [member.id],
    );
    expect(rows[0]).toMatchObject({ time_zone: 'Africa/Dakar', languages: ['fr', 'en'], arrived: '2015-09-01' });
    expect((rows[0] as { joined_at: Date }).joined_at.toISOString()).toBe('2024-05-01T10:00:00.000Z');

    await h.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/devices',
      headers: headersOf(member.id),
      payload: { token: `gdpr:APA91b${'g'.repeat(150)}`, platform: 'ios' },
    });
    await h.app.inject({
      method: 'PUT',
      url: '/api/v1/notifications/preferences',
      headers: headersOf(member.id),
      payload: { digest: 'daily' },
    });
    await deliver(h, EventPublished, snapshot({ city: 'Lyon', title: 'Lyon tech' }));
    await until(async () => (await alerts(member.id)).length === 1, { timeoutMs: 10_000 });

    const { commonV1, createClient } = await import('@diaspora/proto');
    const { testCallerIdentity } = await import('@diaspora/testing');
    await h.service.listen();
    const client = createClient(commonV1.UserData, h.service.addresses!.grpcAddress, {
      deadlineMs: 2000,
      identity: testCallerIdentity('user'),
      target: 'notification',
    });
    const exported = JSON.parse((await client.exportUserData({ userId: member.id })).json);
    client.close();
    expect(exported.notifications).toHaveLength(1);
    expect(exported.devices).toHaveLength(1);
    expect(exported.preferences.digest).toBe('daily');
    expect(exported.member.arrivedAt).toBe('2015-09-01');

    const erased = await deliver(h, UserDeleted, { userId: member.id, deletedAt: now() });
    await processed(h, erased.id);
    for (const table of ['notifications', 'devices', 'preferences', 'members', 'deliveries'])
      expect(
        (
          await db.query(
            `SELECT 1 FROM ${table} WHERE ${table === 'notifications' ? 'recipient_id' : table === 'deliveries' ? 'recipient_id' : 'user_id'} = $1`,
            [member.id],
          )
        ).rows,
        table,
      ).toHaveLength(0);
  });
});
