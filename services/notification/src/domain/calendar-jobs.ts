import type { MailSender } from '@diaspora/service-kit/providers';
import { localHour } from './clock.js';
import { emailHtml } from './dispatcher.js';
import type { Notifier } from './notifier.js';
import type { Contacts, EventDirectory, UnitOfWork } from './ports.js';
import { emailChrome, pickLanguage } from './texts.js';
import type { NotificationRecord } from './types.js';
import type { UnsubscribeLinks } from './unsubscribe.js';

/** Local hour at which anniversaries, welcomes and daily digests go out. */
const MORNING_HOUR = 9;

const yearsBetween = (from: string, to: string) => Number(to.slice(0, 4)) - Number(from.slice(0, 4));

/**
 * The clock-driven notifications, each run hourly by a durable cron job and given `now` (tests drive the clock):
 * anniversaries and welcomes at the member's morning, digests, and the quarterly consul quota reminder.
 */
export class CalendarJobs {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly deps: {
      notifier: Notifier;
      contacts: Contacts;
      events: EventDirectory;
      mail: MailSender;
      links: UnsubscribeLinks;
    },
  ) {}

  /** Join and arrival anniversaries, and the welcome a day after joining, for members at their 09:00. */
  async anniversaries(now = new Date()): Promise<number> {
    const members = await this.uow.read.members.atLocalHour(now, MORNING_HOUR);
    let sent = 0;
    for (const member of members) {
      const today = member.localDate;
      const joined = new Intl.DateTimeFormat('en-CA', { timeZone: member.timeZone }).format(member.joinedAt);
      const written: (NotificationRecord | null)[] = [];
      await this.uow.run(async (scope) => {
        const { notifier } = this.deps;
        if (joined.slice(5) === today.slice(5) && yearsBetween(joined, today) >= 1)
          written.push(
            await notifier.notify(scope, {
              recipientId: member.userId,
              type: 'anniversary',
              key: `join:${today.slice(0, 4)}`,
              text: 'join_anniversary',
              params: { years: yearsBetween(joined, today) },
              data: { kind: 'join', years: yearsBetween(joined, today) },
            }),
          );
        if (
          member.arrivedAt &&
          member.arrivedAt.slice(5) === today.slice(5) &&
          yearsBetween(member.arrivedAt, today) >= 1
        )
          written.push(
            await notifier.notify(scope, {
              recipientId: member.userId,
              type: 'anniversary',
              key: `arrival:${today.slice(0, 4)}`,
              text: 'arrival_anniversary',
              params: { years: yearsBetween(member.arrivedAt, today) },
              data: { kind: 'arrival', years: yearsBetween(member.arrivedAt, today) },
            }),
          );
        const dayAfter = new Date(`${joined}T12:00:00Z`);
        dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
        if (dayAfter.toISOString().slice(0, 10) === today && member.city && member.country) {
          const consulId = await scope.members.consulOf(member.country, member.city);
          const consul = consulId ? await this.deps.contacts.displayName(consulId) : undefined;
          const upcoming = await this.deps.events.upcomingFor(member.userId).catch(() => []);
          written.push(
            await notifier.notify(scope, {
              recipientId: member.userId,
              type: 'anniversary',
              key: 'welcome',
              text: 'welcome',
              params: { city: member.city, consul, events: upcoming.length },
              data: { kind: 'welcome', consulId, events: upcoming },
            }),
          );
        }
      });
      sent += written.filter(Boolean).length;
      await this.deps.notifier.live(written);
    }
    return sent;
  }

  /** Digest emails: hourly ones every run, daily ones at the member's morning. Returns the emails sent. */
  async digests(now = new Date()): Promise<number> {
    let sent = 0;
    for (const recipientId of await this.uow.read.deliveries.digestRecipients()) {
      const contact = await this.deps.contacts.get(recipientId);
      const preferences = await this.uow.read.preferences.get(recipientId);
      if (preferences?.digest === 'daily' && localHour(now, contact?.timeZone ?? 'UTC') !== MORNING_HOUR) continue;
      const done = await this.uow.run(async (scope) => {
        const entries = await scope.deliveries.takeDigest(recipientId);
        if (entries.length === 0) return false;
        if (!contact?.active || !contact.emailVerified || !contact.email) {
          for (const entry of entries) await scope.deliveries.markSkipped(entry.id, 'no verified email');
          return false;
        }
        const lang = pickLanguage(contact.languages);
        const chrome = emailChrome(lang);
        const items = entries.map((entry) => ({ title: entry.notification.title, body: entry.notification.body }));
        const type = entries[0]!.notification.type;
        const link = this.deps.links.url(recipientId, type);
        const subject =
          lang === 'fr'
            ? `Votre résumé : ${entries.length} nouvelle(s) notification(s)`
            : `Your digest: ${entries.length} new notification${entries.length > 1 ? 's' : ''}`;
        await this.deps.mail.send({
          to: contact.email,
          subject,
          text: `${items.map((item) => `• ${item.title}\n  ${item.body}`).join('\n')}\n\n${chrome.unsubscribe(type)}: ${link}\n`,
          html: emailHtml(items, chrome.unsubscribe(type), link),
        });
        await scope.deliveries.markManySent(
          entries.map((entry) => entry.id),
          now,
        );
        return true;
      });
      if (done) sent++;
    }
    return sent;
  }

  /** Consuls behind pace for their yearly quota of local events get a reminder (once a quarter). */
  async consulQuota(now = new Date()): Promise<number> {
    const consuls = await this.uow.read.members.consuls();
    const quarter = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
    let sent = 0;
    for (const consulId of consuls) {
      const card = await this.deps.events.scorecard(consulId);
      if (!card?.behind) continue;
      const written = await this.uow.run((scope) =>
        this.deps.notifier.notify(scope, {
          recipientId: consulId,
          type: 'consul_quota',
          key: quarter,
          text: 'consul_quota',
          params: { held: card.held, quota: card.quota, scheduled: card.scheduled },
          data: { quarter, held: card.held, scheduled: card.scheduled, quota: card.quota },
        }),
      );
      if (written) sent++;
      await this.deps.notifier.live([written]);
    }
    return sent;
  }
}
