import { type Logger, PollingWorker } from '@diaspora/service-kit';
import type { AccountSecurityService } from '../domain/account-security.js';

/**
 * Mints and mails password-reset links in the background: woken by each forgot-password request, and polling
 * for requests another replica (or a process that stopped) left queued. Requests are taken with SKIP LOCKED.
 */
export function resetMailer(account: () => AccountSecurityService, options: { pollMs: number; logger: Logger }) {
  return new PollingWorker(
    async () => {
      while (await account().sendNextReset()) {}
    },
    { name: 'password reset mailer', intervalMs: options.pollMs, logger: options.logger },
  );
}
