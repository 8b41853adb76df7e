import { createHash } from 'node:crypto';
import { UserVerified } from '@diaspora/events';
import { type FieldError, type Logger, Problem, problems, type RateLimiter } from '@diaspora/service-kit';
import type { MailSender } from '@diaspora/service-kit/providers';
import { passwordResetEmail } from './emails.js';
import type { LoginThrottle } from './login-throttle.js';
import { mintToken, redeemable } from './one-time-tokens.js';
import { checkPassword } from './password-policy.js';
import type { PasswordHasher, UnitOfWork } from './ports.js';
import { publishSessionsEnded } from './sessions.js';

export interface AccountSecuritySettings {
  appUrl: string;
  resetTtlMinutes: number;
}

const asField = (field: string, errors: FieldError[]) => errors.map((error) => ({ ...error, field }));
const emailKey = (email: string) => createHash('sha256').update(email).digest('base64url').slice(0, 32);

/** Passwords (change, reset by email) and sessions (list, revoke). */
export class AccountSecurityService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly passwords: PasswordHasher,
    private readonly mail: MailSender,
    private readonly throttle: LoginThrottle,
    private readonly limits: { resetByEmail: RateLimiter; resetByIp: RateLimiter },
    private readonly settings: AccountSecuritySettings,
    private readonly logger: Logger,
    /** Wakes the background mailer of reset links (see sendNextReset). */
    private readonly wakeResetMailer: () => void = () => {},
  ) {}

  /**
   * Changes the password after checking the current one, and signs out every other session (the one making the
   * change stays signed in).
   */
  async changePassword(userId: string, sessionId: string | undefined, current: string, next: string): Promise<void> {
    const user = await this.uow.read.users.findById(userId);
    if (!user) throw problems.notFound('user');
    if (!user.passwordHash) {
      throw problems.conflict(
        'Your account has no password yet (you sign in with a provider); set one with a password reset.',
        'no-password',
      );
    }
    if (!(await this.passwords.verify(current, user.passwordHash))) {
      throw new Problem(403, {
        type: 'wrong-password',
        detail: 'The current password is not right.',
        errors: [{ field: 'currentPassword', message: 'is not your current password' }],
      });
    }
    const errors = asField('newPassword', checkPassword(next, { email: user.email, displayName: user.displayName }));
    if (next === current) errors.push({ field: 'newPassword', message: 'must differ from the current password' });
    if (errors.length) throw problems.validation(errors);
    const hash = await this.passwords.hash(next);
    await this.uow.run(async (scope) => {
      await scope.users.setPasswordHash(userId, hash);
      const ended = await scope.sessions.revokeAllOf(userId, 'password-changed', sessionId);
      await publishSessionsEnded(scope, userId, ended, 'password-changed');
    });
  }

  /**
   * Queues a reset-link email for the address. The answer and the work are the same whether an account uses it
   * or not (two rate-limit hits, one insert): no enumeration by content or by timing. The link is minted and
   * mailed in the background (`sendNextReset`). The rate limits count addresses and IPs, known or not.
   */
  async forgotPassword(emailInput: string, ip: string | null): Promise<void> {
    const email = emailInput.trim().toLowerCase();
    for (const [limiter, subject] of [
      [this.limits.resetByEmail, emailKey(email)],
      [this.limits.resetByIp, ip ?? 'unknown'],
    ] as const) {
      const decision = await limiter.hit(subject);
      if (!decision.allowed) {
        throw problems.tooManyRequests(decision.resetMs / 1000, 'Too many reset requests; try again later.');
      }
    }
    await this.uow.run((scope) => scope.resetRequests.enqueue(email));
    this.wakeResetMailer();
  }

  /**
   * Answers the oldest queued request: mints a link and mails it when an account uses the address; nothing
   * otherwise. False when the queue is empty. A failed send is logged (the member can ask again).
   */
  async sendNextReset(): Promise<boolean> {
    const next = await this.uow.run(async (scope) => {
      const request = await scope.resetRequests.takeNext();
      if (!request) return null;
      const user = await scope.users.findByEmail(request.email);
      if (!user) return { user: null };
      const token = await mintToken(scope.tokens, {
        userId: user.id,
        email: user.email,
        purpose: 'reset-password',
        ttlMs: this.settings.resetTtlMinutes * 60_000,
      });
      return { user, token };
    });
    if (!next) return false;
    if (!next.user) return true;
    const { user, token } = next;
    await this.mail
      .send(
        passwordResetEmail({
          to: user.email,
          displayName: user.displayName,
          token: token!,
          appUrl: this.settings.appUrl,
          ttlMinutes: this.settings.resetTtlMinutes,
        }),
      )
      .catch((error: unknown) => this.logger.warn({ err: error, userId: user.id }, 'password reset email failed'));
    return true;
  }

  /**
   * Sets a new password from an emailed token: the token is spent, every session ends, the lockout clears, and
   * the email counts as verified (the member just proved they read it).
   */
  async resetPassword(token: string, next: string): Promise<void> {
    const preview = await this.uow.run(async (scope) => {
      const record = await redeemable(scope.tokens, token, 'reset-password');
      return { record, user: await scope.users.findById(record.userId) };
    });
    if (!preview.user || preview.user.email !== preview.record.email) {
      throw new Problem(410, { type: 'token-used', detail: 'This link no longer matches an account.' });
    }
    const { user } = preview;
    const errors = asField('newPassword', checkPassword(next, { email: user.email, displayName: user.displayName }));
    if (errors.length) throw problems.validation(errors);
    // bcrypt outside the transaction; the token is checked again, locked, before anything is written.
    const hash = await this.passwords.hash(next);
    await this.uow.run(async (scope) => {
      // Locked and checked again: of two concurrent resets with one link, the second finds it spent (410).
      const record = await redeemable(scope.tokens, token, 'reset-password');
      await scope.users.setPasswordHash(user.id, hash);
      await scope.tokens.markUsed(record.id);
      await scope.tokens.invalidateAll(user.id, 'reset-password');
      const ended = await scope.sessions.revokeAllOf(user.id, 'password-reset');
      await publishSessionsEnded(scope, user.id, ended, 'password-reset');
      if (!user.emailVerified && (await scope.users.markEmailVerified(user.id, record.email))) {
        await scope.publish(UserVerified, {
          userId: user.id,
          channel: 'email',
          verifiedAt: new Date().toISOString(),
        });
      }
    });
    await this.throttle.succeeded(user.email);
  }

  async sessions(userId: string, currentSessionId: string | undefined) {
    const sessions = await this.uow.read.sessions.listActive(userId);
    return sessions.map((session) => ({
      id: session.id,
      current: session.id === currentSessionId,
      startedAt: session.startedAt.toISOString(),
      lastUsedAt: session.lastUsedAt.toISOString(),
      expiresAt: session.expiresAt.toISOString(),
      ...(session.userAgent ? { userAgent: session.userAgent } : {}),
      ...(session.ip ? { ip: session.ip } : {}),
    }));
  }

  /** Ends one of the caller's own sessions; someone else's session id is simply not found. */
  async revokeSession(userId: string, sessionId: string): Promise<void> {
    const revoked = await this.uow.run(async (scope) => {
      const ended = await scope.sessions.revokeOwn(userId, sessionId, 'revoked-by-user');
      if (ended) await publishSessionsEnded(scope, userId, [sessionId], 'revoked-by-user');
      return ended;
    });
    if (!revoked) throw problems.notFound('session');
  }
}
