import { newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpcEventDirectory } from '../../src/clients/events.js';
import { CalendarJobs } from '../../src/domain/calendar-jobs.js';
import type { EventDirectory } from '../../src/domain/ports.js';
import { contact, domainOn } from '../domain/harness.js';
import { type Harness, startNotificationService } from '../fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await startNotificationService({ workers: false });
});
afterAll(async () => h?.close());

const NEXT_YEAR = new Date().getUTCFullYear() + 1;

function jobsFor(d: ReturnType<typeof domainOn>, events: EventDirectory) {
  return new CalendarJobs(d.uow, { notifier: d.notifier, contacts: d.contacts, events, mail: d.mail, links: d.links });
}

const noEvents: EventDirectory = { scorecard: async () => null, upcomingFor: async () => [] };

async function inboxOf(d: ReturnType<typeof domainOn>, userId: string) {
  return (await d.uow.read.notifications.list(userId, 50)).items;
}

describe('anniversaries and welcomes (at 09:00 in the member’s time zone)', () => {
  it('join and arrival anniversaries once a year; a welcome with the consul and local events the day after joining', async () => {
    const veteran = newId('usr');
    const newcomer = newId('usr');
    const consul = newId('usr');
    const d = domainOn(h, [
      contact(veteran, { timeZone: 'America/Montreal', languages: ['fr'] }),
      contact(newcomer, { timeZone: 'Asia/Tokyo' }),
      contact(consul, { displayName: 'Kofi' }),
    ]);
    await d.uow.read.members.upsert({
      userId: veteran,
      joinedAt: new Date(`${NEXT_YEAR - 3}-03-15T18:00:00Z`),
      timeZone: 'America/Montreal',
      arrivedAt: `${NEXT_YEAR - 10}-03-15`,
      country: 'CA',
      city: 'Montreal',
    });
    await d.uow.read.members.upsert({
      userId: newcomer,
      joinedAt: new Date(`${NEXT_YEAR}-03-14T02:00:00Z`), // 11:00 on the 14th in Tokyo
      timeZone: 'Asia/Tokyo',
      country: 'JP',
      city: 'Tokyo',
    });
    await d.uow.read.members.setConsul(consul, 'JP', 'Tokyo');
    const events: EventDirectory = {
      scorecard: async () => null,
      upcomingFor: async (userId) => (userId === newcomer ? [{ id: newId('evt'), title: 'Picnic' }] : []),
    };
    const jobs = jobsFor(d, events);
    // 09:00 in Tokyo on the 15th = 00:00 UTC: the newcomer's welcome, not the veteran (20:00 in Montreal).
    expect(await jobs.anniversaries(new Date(`${NEXT_YEAR}-03-15T00:10:00Z`))).toBe(1);
    const [welcome] = await inboxOf(d, newcomer);
    expect(welcome).toMatchObject({
      type: 'anniversary',
      title: 'Welcome to the Tokyo community',
      body: 'Kofi is your consul in Tokyo. 1 local events are coming up.',
      data: { kind: 'welcome', consulId: consul },
    });
    // 09:00 in Montreal on the 15th = 13:00 UTC (EDT): both anniversaries, in French.
    expect(await jobs.anniversaries(new Date(`${NEXT_YEAR}-03-15T13:30:00Z`))).toBe(2);
    const bodies = (await inboxOf(d, veteran)).map((n) => n.body).sort();
    expect(bodies).toEqual([
      'Il y a 10 ans aujourd’hui, vous arriviez dans votre pays.',
      'Vous avez rejoint la communauté il y a 3 ans aujourd’hui.',
    ]);
    // The same hour again (a retried job): nothing twice.
    expect(await jobs.anniversaries(new Date(`${NEXT_YEAR}-03-15T13:40:00Z`))).toBe(0);
    expect(await jobs.anniversaries(new Date(`${NEXT_YEAR}-03-15T00:20:00Z`))).toBe(0);
  });
});

describe('digests', () => {
  it('hourly digests gather likes and comments into one email; daily ones wait for the morning', async () => {
    const hourly = newId('usr');
    const daily = newId('usr');
    const d = domainOn(h, [contact(hourly), contact(daily, { timeZone: 'Europe/Paris' })]);
    for (const [userId, digest] of [
      [hourly, 'hourly'],
      [daily, 'daily'],
    ] as const)
      await d.uow.read.preferences.save(userId, {
        channels: { comment: { email: true }, post_interaction: { email: true } },
        quietHours: null,
        digest,
      });
    for (const userId of [hourly, daily])
      await d.uow.run(async (scope) => {
        await d.notifier.notify(scope, {
          recipientId: userId,
          type: 'comment',
          key: newId('cmt'),
          text: 'comment',
          params: { name: 'Kofi', excerpt: 'Bravo' },
          data: {},
        });
        await d.notifier.notifyLike(scope, {
          recipientId: userId,
          postId: newId('pst'),
          likerId: newId('usr'),
          likerName: 'Ama',
        });
      });
    expect(d.planned).toHaveLength(0); // digest emails are not sent one by one
    const jobs = jobsFor(d, noEvents);
    expect(await jobs.digests(new Date(`${NEXT_YEAR}-01-10T15:00:00Z`))).toBe(1);
    expect(d.mails.map((m) => m.to)).toEqual([`${hourly}@example.test`]);
    expect(d.mails[0]!.subject).toBe('Your digest: 2 new notifications');
    expect(d.mails[0]!.text).toContain('Kofi commented on your post');
    expect(d.mails[0]!.text).toContain('Ama liked your post.');
    expect(d.mails[0]!.text).toMatch(/unsubscribe\?token=/);
    expect(await jobs.digests(new Date(`${NEXT_YEAR}-01-10T16:00:00Z`))).toBe(0);
    // 09:00 in Paris (08:00 UTC in winter): the daily digest.
    expect(await jobs.digests(new Date(`${NEXT_YEAR}-01-11T08:00:00Z`))).toBe(1);
    expect(d.mails.at(-1)!.to).toBe(`${daily}@example.test`);
  });
});

describe('consul quota', () => {
  it('reminds consuls behind pace once a quarter, through the event service’s GetScorecard', async () => {
    const behind = newId('usr');
    const onPace = newId('usr');
    const d = domainOn(h, [contact(behind), contact(onPace)]);
    await d.uow.read.members.setConsul(behind, 'FR', 'Lyon');
    await d.uow.read.members.setConsul(onPace, 'FR', 'Nice');
    h.events.scorecards.set(behind, { quota: 4, eventsHeld: 1, eventsScheduled: 0, behindQuota: true });
    h.events.scorecards.set(onPace, { quota: 4, eventsHeld: 3, eventsScheduled: 1, behindQuota: false });
    const { createClient, eventV1 } = await import('@diaspora/proto');
    const { testCallerIdentity } = await import('@diaspora/testing');
    const client = createClient(eventV1.EventService, h.events.address, {
      deadlineMs: 2000,
      identity: testCallerIdentity('notification'),
    });
    const jobs = jobsFor(d, new GrpcEventDirectory(client));
    expect(await jobs.consulQuota(new Date(`${NEXT_YEAR}-04-01T09:00:00Z`))).toBe(1);
    expect(await jobs.consulQuota(new Date(`${NEXT_YEAR}-04-01T09:05:00Z`))).toBe(0);
    const [alert] = await inboxOf(d, behind);
    expect(alert).toMatchObject({ type: 'consul_quota', body: expect.stringContaining('1 of 4 local events') });
    expect(await inboxOf(d, onPace)).toHaveLength(0);
    client.close();
  });
});
