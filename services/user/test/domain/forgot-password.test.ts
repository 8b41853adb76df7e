import { createLogger, type RateLimiter } from '@diaspora/service-kit';
import type { MailSender } from '@diaspora/service-kit/providers';
import { describe, expect, it } from 'vitest';
import { AccountSecurityService } from '../../src/domain/account-security.js';
import type { LoginThrottle } from '../../src/domain/login-throttle.js';
import type { PasswordHasher, UnitOfWork } from '../../src/domain/ports.js';

/** Records every store call the use case makes, through `uow.read` and `uow.run` scopes alike. */
function recordingUow(known: Set<string>, queue: string[]) {
  const calls: string[] = [];
  const stores: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {
    users: {
      findByEmail: async (email) =>
        known.has(email as string) ? { id: 'usr_1', email, displayName: 'Awa', emailVerified: true } : null,
    },
    resetRequests: {
      enqueue: async (email) => {
        queue.push(email as string);
      },
      takeNext: async () => (queue.length ? { email: queue.shift()! } : null),
    },
    tokens: { invalidateAll: async () => undefined, insert: async () => undefined },
  };
  const scope = new Proxy(
    {},
    {
      get: (_target, store: string) =>
        new Proxy(
          {},
          {
            get:
              (_t, method: string) =>
              (...args: unknown[]) => {
                calls.push(`${store}.${method}`);
                return stores[store]![method]!(...args);
              },
          },
        ),
    },
  );
  const uow = { read: scope, run: (work: (s: unknown) => Promise<unknown>) => work(scope) } as unknown as UnitOfWork;
  return { uow, calls };
}

function account(known: Set<string>) {
  const queue: string[] = [];
  const { uow, calls } = recordingUow(known, queue);
  const sent: string[] = [];
  const mail = { send: async (message: { to: string }) => void sent.push(message.to) } as unknown as MailSender;
  const limiter = () => ({ hit: async () => ({ allowed: true, resetMs: 0 }) }) as unknown as RateLimiter;
  const service = new AccountSecurityService(
    uow,
    {} as PasswordHasher,
    mail,
    {} as LoginThrottle,
    { resetByEmail: limiter(), resetByIp: limiter() },
    { appUrl: 'https://app.example', resetTtlMinutes: 60 },
    createLogger({ service: 'test', level: 'silent' }),
  );
  return { service, calls, sent, queue };
}

describe('forgot-password does the same work for existing and unknown emails', () => {
  it('makes exactly the same calls while answering, and mails only in the background', async () => {
    const known = account(new Set(['awa@example.com']));
    const unknown = account(new Set());
    await known.service.forgotPassword('Awa@Example.com', '192.0.2.1');
    await unknown.service.forgotPassword('ghost@example.com', '192.0.2.1');
    expect(known.calls).toEqual(['resetRequests.enqueue']);
    expect(unknown.calls).toEqual(known.calls);
    expect(known.sent).toEqual([]);

    // The background mailer answers: a link for the account, nothing for the unknown address.
    expect(await known.service.sendNextReset()).toBe(true);
    expect(await unknown.service.sendNextReset()).toBe(true);
    expect(known.sent).toEqual(['awa@example.com']);
    expect(unknown.sent).toEqual([]);
    expect(await known.service.sendNextReset()).toBe(false);
  });
});
