import { newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushError } from '../../src/domain/ports.js';
import { type Harness, headersOf, startNotificationService } from '../fixtures.js';
import { contact, domainOn } from './harness.js';

let h: Harness;
beforeAll(async () => {
  // No workers: the test runs the delivery jobs itself, at the times it chooses.
  h = await startNotificationService({ workers: false });
});
afterAll(async () => h?.close());

// The test's clock runs in a January to come (winter time in Paris, after the rows' creation).
const NEXT_YEAR = new Date().getUTCFullYear() + 1;
const token = (n: number) => `device${n}:APA91b${'t'.repeat(150)}`;

async function statuses(ids: string[]) {
  const { rows } = await h.service.context.db.query(
    'SELECT channel, status, attempts, last_error FROM deliveries WHERE notification_id = ANY($1) ORDER BY channel',
    [ids],
  );
  return rows;
}

function announce(recipientId: string, type: 'comment' | 'event_invitation' = 'event_invitation') {
  return {
    recipientId,
    type,
    key: newId('key'),
    text: 'invitation' as const,
    params: { name: 'Ama', event: 'Gala' },
    data: { eventId: newId('evt') },
  };
}

describe('deliveries', () => {
  it('push goes to every device, unregistered tokens are pruned; email carries text, HTML and an unsubscribe link', async () => {
    const userId = newId('usr');
    const d = domainOn(h, [contact(userId, { languages: ['fr'] })]);
    await d.uow.read.devices.upsert({ token: token(1), userId, platform: 'android' });
    await d.uow.read.devices.upsert({ token: token(2), userId, platform: 'ios' });
    d.push.failures.set(token(2), () => new PushError('gone', true));
    const n = await d.uow.run((scope) => d.notifier.notify(scope, announce(userId)));
    expect(n?.title).toBe('Vous êtes invité·e');
    const [job] = d.planned;
    expect(job?.ids).toHaveLength(2);
    await d.dispatcher.deliver(job!.ids);
    expect(await statuses([n!.id])).toMatchObject([
      { channel: 'email', status: 'sent', attempts: 1 },
      { channel: 'push', status: 'sent', attempts: 1 },
    ]);
    expect(d.push.sent.map((m) => m.token)).toEqual([token(1)]);
    expect(d.push.sent[0]).toMatchObject({ title: 'Vous êtes invité·e', data: { notificationId: n!.id } });
    expect((await d.uow.read.devices.forUser(userId)).map((device) => device.token)).toEqual([token(1)]);
    const [mail] = d.mails;
    expect(mail).toMatchObject({ to: `${userId}@example.test`, subject: 'Vous êtes invité·e' });
    expect(mail!.html).toContain('<h2');
    const link = /(http:\/\/localhost:8000\/api\/v1\/notifications\/unsubscribe\?token=\S+)/.exec(mail!.text)![1]!;
    expect(mail!.html).toContain(link.replace('http://localhost:8000', ''));

    // The link works without signing in: the page is a confirmation, the POST switches that type's email off.
    const path = link.replace('http://localhost:8000', '');
    const page = await h.app.inject({ url: path });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const done = await h.app.inject({ method: 'POST', url: path });
    expect(done.json()).toEqual({ type: 'event_invitation', email: false });
    const prefs = await h.app.inject({ url: '/api/v1/notifications/preferences', headers: headersOf(userId) });
    expect(prefs.json().event_invitation).toEqual({ push: true, email: false, in_app: true });
    const forged = await h.app.inject({ method: 'POST', url: `${path.slice(0, -3)}abc` });
    expect(forged.statusCode).toBe(400);

    // A queued email whose type was switched off since is skipped at send time.
    await d.uow.run(async (scope) => {
      await scope.preferences.save(userId, { channels: {}, quietHours: null, digest: 'off' });
      const again = await d.notifier.notify(scope, announce(userId));
      await scope.preferences.save(userId, {
        channels: { event_invitation: { email: false, push: false } },
        quietHours: null,
        digest: 'off',
      });
      return again;
    });
    await d.dispatcher.deliver(d.planned.at(-1)!.ids);
    expect(d.mails).toHaveLength(1);
  });

  it('a provider outage fails the try (the job retries) until the last try dead-letters it; nothing is lost', async () => {
    const userId = newId('usr');
    const d = domainOn(h, [contact(userId)], { maxAttempts: 3 });
    await d.uow.read.devices.upsert({ token: token(3), userId, platform: 'web' });
    d.push.failures.set(token(3), () => new PushError('FCM refused the push (messaging/internal-error)', false));
    d.mail.down = true;
    const n = await d.uow.run((scope) => d.notifier.notify(scope, announce(userId)));
    const ids = d.planned[0]!.ids;
    await expect(d.dispatcher.deliver(ids)).rejects.toThrow(/2 deliveries failed/);
    expect(await statuses([n!.id])).toMatchObject([
      { channel: 'email', status: 'failed', attempts: 1, last_error: 'SendGrid refused the message (503)' },
      { channel: 'push', status: 'failed', attempts: 1 },
    ]);
    d.mail.down = false; // SendGrid is back: the retry sends the email
    await expect(d.dispatcher.deliver(ids)).rejects.toThrow(/1 deliveries failed/);
    await d.dispatcher.deliver(ids); // third and last try of the push: dead, the job stops retrying
    expect(await statuses([n!.id])).toMatchObject([
      { channel: 'email', status: 'sent', attempts: 2 },
      { channel: 'push', status: 'dead', attempts: 3 },
    ]);
    expect(d.mails).toHaveLength(1);
  });

  it('quiet hours in the member’s time zone postpone push and email to their end; in-app does not wait', async () => {
    const userId = newId('usr');
    const d = domainOn(h, [contact(userId, { timeZone: 'Europe/Paris' })]);
    await d.uow.read.devices.upsert({ token: token(4), userId, platform: 'android' });
    await d.uow.read.preferences.save(userId, {
      channels: {},
      quietHours: { start: '22:00', end: '07:00' },
      digest: 'off',
    });
    const n = await d.uow.run((scope) => d.notifier.notify(scope, announce(userId)));
    expect(d.live).toHaveLength(0);
    await d.notifier.live([n]);
    expect(d.live.map((x) => x.id)).toEqual([n!.id]); // in-app is immediate
    const ids = d.planned[0]!.ids;
    // 23:30 in Paris (22:30 UTC in winter): postponed to 07:00 Paris = 06:00 UTC.
    await d.dispatcher.deliver(ids, new Date(`${NEXT_YEAR}-01-10T22:30:00Z`));
    expect(d.push.sent).toHaveLength(0);
    expect(d.mails).toHaveLength(0);
    const later = d.planned.slice(1);
    expect(later.map((p) => p.runAt.toISOString())).toEqual([
      `${NEXT_YEAR}-01-11T06:00:00.000Z`,
      `${NEXT_YEAR}-01-11T06:00:00.000Z`,
    ]);
    // The early job (a retry) finds them not yet due; the planned one sends.
    await d.dispatcher.deliver(ids, new Date(`${NEXT_YEAR}-01-11T05:00:00Z`));
    expect(d.push.sent).toHaveLength(0);
    await d.dispatcher.deliver(ids, new Date(`${NEXT_YEAR}-01-11T06:00:00Z`));
    expect(d.push.sent).toHaveLength(1);
    expect(d.mails).toHaveLength(1);
  });
});
