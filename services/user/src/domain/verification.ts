import { UserVerified } from '@diaspora/events';
import { Problem, problems, type RateLimiter } from '@diaspora/service-kit';
import type { MailSender, OtpVerifier } from '@diaspora/service-kit/providers';
import { verificationEmail } from './emails.js';
import { mintToken, redeemable } from './one-time-tokens.js';
import { PhoneTakenError, type UnitOfWork } from './ports.js';
import type { UserRecord } from './user.js';
import { ownView } from './views.js';

export interface VerificationSettings {
  appUrl: string;
  emailTtlHours: number;
  otpTtlSeconds: number;
  phoneMaxAttempts: number;
}

export const E164 = /^\+[1-9][0-9]{7,14}$/;

const limited = (decision: { allowed: boolean; resetMs: number }, detail: string) => {
  if (!decision.allowed) throw problems.tooManyRequests(decision.resetMs / 1000, detail);
};

/** Proving an email address (emailed single-use link) and a phone number (SMS code through the OTP port). */
export class VerificationService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mail: MailSender,
    private readonly otp: OtpVerifier,
    private readonly limits: { emailResend: RateLimiter; phoneStart: RateLimiter },
    private readonly settings: VerificationSettings,
  ) {}

  /** Mints a verification token for the account's current email and mails it; rejects if the mail fails. */
  async sendEmailVerification(user: UserRecord): Promise<void> {
    const token = await this.uow.run((scope) =>
      mintToken(scope.tokens, {
        userId: user.id,
        email: user.email,
        purpose: 'verify-email',
        ttlMs: this.settings.emailTtlHours * 3_600_000,
      }),
    );
    await this.mail.send(
      verificationEmail({
        to: user.email,
        displayName: user.displayName,
        token,
        appUrl: this.settings.appUrl,
        ttlHours: this.settings.emailTtlHours,
      }),
    );
  }

  async resendEmailVerification(userId: string): Promise<void> {
    const user = await this.uow.read.users.findById(userId);
    if (!user) throw problems.notFound('user');
    if (user.emailVerified) throw problems.conflict('Your email address is already verified.', 'already-verified');
    limited(await this.limits.emailResend.hit(userId), 'You asked for several emails already; try again later.');
    await this.sendEmailVerification(user).catch((error: unknown) => {
      throw providerDown('The email could not be sent right now; try again shortly.', error);
    });
  }

  async verifyEmail(token: string): Promise<void> {
    await this.uow.run(async (scope) => {
      const record = await redeemable(scope.tokens, token, 'verify-email');
      const user = await scope.users.lock(record.userId);
      // The account changed its address (or was erased) since the email went out.
      if (!user || user.email !== record.email) {
        throw new Problem(410, { type: 'token-used', detail: 'This link no longer matches your account.' });
      }
      await scope.tokens.markUsed(record.id);
      if (user.emailVerified) return;
      await scope.users.markEmailVerified(user.id, record.email);
      await scope.publish(UserVerified, {
        userId: user.id,
        channel: 'email',
        verifiedAt: new Date().toISOString(),
      });
    });
  }

  /** Sends an SMS code to `phone` (E.164) for the member to prove they hold it. */
  async startPhone(userId: string, phone: string): Promise<void> {
    if (!E164.test(phone))
      throw problems.validation([{ field: 'phone', message: 'must be an E.164 number, e.g. +221771234567' }]);
    const user = await this.uow.read.users.findById(userId);
    if (!user) throw problems.notFound('user');
    if (user.phoneVerified && user.phone === phone) {
      throw problems.conflict('This number is already verified on your account.', 'already-verified');
    }
    limited(await this.limits.phoneStart.hit(userId), 'You asked for several codes already; try again later.');
    await this.otp.start(phone).catch((error: unknown) => {
      throw providerDown('The code could not be sent right now; try again shortly.', error);
    });
    await this.uow.run((scope) =>
      scope.tokens.startPhone({
        userId,
        phone,
        expiresAt: new Date(Date.now() + this.settings.otpTtlSeconds * 1000),
      }),
    );
  }

  /**
   * Checks a code. The attempt is counted (and committed) before the provider is asked, so concurrent guesses
   * cannot exceed the limit; after the last allowed attempt the member must ask for a new code.
   */
  async verifyPhone(userId: string, phone: string, code: string) {
    if (!E164.test(phone))
      throw problems.validation([{ field: 'phone', message: 'must be an E.164 number, e.g. +221771234567' }]);
    const attempt = await this.uow.run(async (scope) => {
      const pending = await scope.tokens.findPhoneForUpdate(userId);
      if (!pending || pending.phone !== phone) {
        throw problems.badRequest('No code was sent to this number; ask for one first.', 'no-pending-verification');
      }
      if (pending.expiresAt.getTime() <= Date.now()) {
        await scope.tokens.clearPhone(userId);
        return { expired: true as const };
      }
      if (pending.attempts >= this.settings.phoneMaxAttempts) {
        throw problems.tooManyRequests(60, 'Too many wrong codes; ask for a new code.', 'too-many-attempts');
      }
      await scope.tokens.countPhoneAttempt(userId);
      return { expired: false as const, left: this.settings.phoneMaxAttempts - pending.attempts - 1 };
    });
    if (attempt.expired) throw codeExpired();
    const outcome = await this.otp.check(phone, code).catch((error: unknown) => {
      throw providerDown('The code could not be checked right now; try again shortly.', error);
    });
    if (outcome === 'expired') {
      await this.uow.run((scope) => scope.tokens.clearPhone(userId));
      throw codeExpired();
    }
    if (outcome === 'rejected') {
      throw new Problem(400, {
        type: 'invalid-code',
        detail:
          attempt.left > 0
            ? `The code is not right; ${attempt.left} attempt(s) left.`
            : 'The code is not right; ask for a new code.',
        errors: [{ field: 'code', message: 'is not the code we sent' }],
      });
    }
    try {
      return await this.uow.run(async (scope) => {
        await scope.users.setVerifiedPhone(userId, phone);
        await scope.tokens.clearPhone(userId);
        await scope.publish(UserVerified, { userId, channel: 'phone', verifiedAt: new Date().toISOString() });
        const user = await scope.users.findById(userId);
        if (!user) throw problems.notFound('user');
        return ownView(user);
      });
    } catch (error) {
      if (error instanceof PhoneTakenError) {
        throw problems.conflict('This number is verified on another account.', 'phone-taken');
      }
      throw error;
    }
  }
}

/** 503 with Retry-After: the mail/SMS provider failed; the cause stays in our logs, not in the answer. */
export const providerDown = (detail: string, cause: unknown) =>
  new Problem(503, { detail, type: 'provider-unavailable', headers: { 'retry-after': '30' }, cause });

const codeExpired = () =>
  new Problem(410, { type: 'code-expired', detail: 'The code has expired; ask for a new one.' });
