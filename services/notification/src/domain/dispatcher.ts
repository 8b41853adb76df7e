import type { MailSender } from '@diaspora/service-kit/providers';
import { quietUntil } from './clock.js';
import { type Contacts, PushError, type PushSender, type Scope, type UnitOfWork } from './ports.js';
import { emailChrome, pickLanguage } from './texts.js';
import { type Contact, channelsFor, type DeliveryRecord, type NotificationRecord } from './types.js';
import type { UnsubscribeLinks } from './unsubscribe.js';

type Outcome = 'sent' | 'retry' | 'done';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Works the delivery jobs: one try per queued push or email, under the delivery's row lock. Preferences are
 * read again at send time (a type switched off since stops), quiet hours postpone to their end, a provider error
 * marks the try `failed` and fails the job (pg-boss retries it with a doubling delay) until `maxAttempts`, then
 * `dead`. Nothing is lost during an outage: the rows stay until they are sent or dead.
 */
export class Dispatcher {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly deps: {
      contacts: Contacts;
      push: PushSender;
      mail: MailSender;
      links: UnsubscribeLinks;
      maxAttempts: number;
    },
  ) {}

  async deliver(deliveryIds: string[], now = new Date()): Promise<Record<string, Outcome>> {
    const outcomes: Record<string, Outcome> = {};
    for (const id of deliveryIds) outcomes[id] = await this.uow.run((scope) => this.attempt(scope, id, now));
    const failed = Object.entries(outcomes).filter(([, outcome]) => outcome === 'retry');
    if (failed.length > 0) throw new Error(`${failed.length} deliveries failed; the job retries them`);
    return outcomes;
  }

  private async attempt(scope: Scope, id: string, now: Date): Promise<Outcome> {
    const delivery = await scope.deliveries.lock(id);
    if (!delivery || !['queued', 'failed'].includes(delivery.status)) return 'done';
    // Postponed (quiet hours): the job planned for the new time sends it.
    if (delivery.notBefore.getTime() > now.getTime() + 1000) return 'done';
    const contact = await this.deps.contacts.get(delivery.recipientId);
    if (!contact?.active) return this.skip(scope, delivery, 'recipient unavailable');
    const preferences = await scope.preferences.get(delivery.recipientId);
    if (!channelsFor(preferences, delivery.notification.type)[delivery.channel])
      return this.skip(scope, delivery, 'switched off');
    const until = quietUntil(now, contact.timeZone, preferences?.quietHours);
    if (until) {
      await scope.deliveries.postpone(id, until);
      await scope.jobs.deliver([id], until);
      return 'done';
    }
    try {
      const sent =
        delivery.channel === 'push'
          ? await this.sendPush(scope, delivery.notification)
          : await this.sendEmail(contact, delivery.notification);
      if (!sent) return this.skip(scope, delivery, delivery.channel === 'push' ? 'no device' : 'no verified email');
      await scope.deliveries.markSent(id, now);
      return 'sent';
    } catch (error) {
      const dead = delivery.attempts + 1 >= this.deps.maxAttempts;
      await scope.deliveries.markFailed(id, (error as Error).message, dead);
      return dead ? 'done' : 'retry';
    }
  }

  private async skip(scope: Scope, delivery: DeliveryRecord, reason: string): Promise<Outcome> {
    await scope.deliveries.markSkipped(delivery.id, reason);
    return 'done';
  }

  /** True when at least one device took it; tokens FCM no longer knows are pruned. */
  private async sendPush(scope: Scope, n: NotificationRecord): Promise<boolean> {
    const devices = await scope.devices.forUser(n.recipientId);
    let delivered = 0;
    let lastError: Error | undefined;
    for (const device of devices) {
      try {
        await this.deps.push.send({
          token: device.token,
          userId: n.recipientId,
          title: n.title,
          body: n.body,
          data: { notificationId: n.id, type: n.type, data: JSON.stringify(n.data) },
        });
        delivered++;
      } catch (error) {
        if (error instanceof PushError && error.unregistered) await scope.devices.prune(device.token);
        else lastError = error as Error;
      }
    }
    if (delivered === 0 && lastError) throw lastError;
    return delivered > 0;
  }

  private async sendEmail(contact: Contact, n: NotificationRecord): Promise<boolean> {
    if (!contact.email || !contact.emailVerified) return false;
    const lang = pickLanguage(contact.languages);
    const chrome = emailChrome(lang);
    const unsubscribe = this.deps.links.url(contact.userId, n.type);
    await this.deps.mail.send({
      to: contact.email,
      subject: n.title,
      text: `${n.body}\n\n${chrome.unsubscribe(n.type)}: ${unsubscribe}\n`,
      html: emailHtml([{ title: n.title, body: n.body }], chrome.unsubscribe(n.type), unsubscribe),
      // One-click unsubscribe in the mail client (RFC 8058), the same signed link.
      headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    return true;
  }
}

/** A plain, accessible HTML body: one block per notification, the unsubscribe link at the foot. */
export function emailHtml(items: { title: string; body: string }[], unsubscribeLabel: string, unsubscribeUrl: string) {
  const blocks = items
    .map((item) => `<h2 style="font-size:16px">${escapeHtml(item.title)}</h2><p>${escapeHtml(item.body)}</p>`)
    .join('\n');
  return `<!doctype html><html><body style="font-family:sans-serif">${blocks}
<hr><p style="font-size:12px"><a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(unsubscribeLabel)}</a></p></body></html>`;
}
