import { createUnitOfWork, type Queryable } from '@diaspora/service-kit';
import { MailDeliveryError, type MailMessage, type MailSender } from '@diaspora/service-kit/providers';
import { Dispatcher } from '../../src/domain/dispatcher.js';
import { Notifier } from '../../src/domain/notifier.js';
import type { Contacts, PushMessage, PushSender, Stores } from '../../src/domain/ports.js';
import type { Contact, NotificationRecord } from '../../src/domain/types.js';
import { UnsubscribeLinks } from '../../src/domain/unsubscribe.js';
import { notificationStores } from '../../src/store/stores.js';
import type { Harness } from '../fixtures.js';

/** Contacts from memory: domain tests script languages, time zones and emails directly. */
function memoryContacts(contacts: Contact[] = []) {
  const byId = new Map(contacts.map((contact) => [contact.userId, contact]));
  const api: Contacts & { byId: Map<string, Contact> } = {
    byId,
    get: async (userId) => byId.get(userId) ?? null,
    displayName: async (userId) => byId.get(userId)?.displayName ?? 'A member',
    async *members() {
      yield [...byId.keys()];
    },
    forget: async () => undefined,
  };
  return api;
}

export const contact = (userId: string, overrides: Partial<Contact> = {}): Contact => ({
  userId,
  displayName: 'Member',
  email: `${userId}@example.test`,
  emailVerified: true,
  languages: ['en'],
  timeZone: 'UTC',
  active: true,
  ...overrides,
});

/** A push provider that records sends and fails as scripted per token. */
class ScriptedPush implements PushSender {
  readonly kind = 'log' as const;
  readonly sent: PushMessage[] = [];
  readonly failures = new Map<string, () => Error>();

  async send(message: PushMessage): Promise<void> {
    const failure = this.failures.get(message.token);
    if (failure) throw failure();
    this.sent.push(message);
  }
}

/** The domain over the service's real stores, with planned jobs recorded instead of run (the test is the clock). */
export function domainOn(h: Harness, contacts: Contact[] = [], options: { maxAttempts?: number } = {}) {
  const planned: { ids: string[]; runAt: Date }[] = [];
  const { db, outbox } = h.service.context;
  const uow = createUnitOfWork<Stores>(db, outbox, (q: Queryable) => ({
    ...notificationStores(q),
    jobs: { deliver: async (ids: string[], runAt = new Date()) => void planned.push({ ids, runAt }) },
  }));
  const directory = memoryContacts(contacts);
  const live: NotificationRecord[] = [];
  const notifier = new Notifier(directory, { push: async (n) => void live.push(...n) });
  const push = new ScriptedPush();
  const mails: MailMessage[] = [];
  const mail: MailSender & { down: boolean } = {
    kind: 'log',
    down: false,
    async send(message) {
      if (this.down) throw new MailDeliveryError('SendGrid refused the message (503)', 503);
      mails.push(message);
    },
  };
  const links = new UnsubscribeLinks('test-unsubscribe-secret-0123456789abcdef', 'http://localhost:8000');
  const dispatcher = new Dispatcher(uow, {
    contacts: directory,
    push,
    mail,
    links,
    maxAttempts: options.maxAttempts ?? 3,
  });
  return { uow, contacts: directory, notifier, live, push, mails, mail, links, dispatcher, planned };
}
