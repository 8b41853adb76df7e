import { createHash } from 'node:crypto';
import { type Cache, problems } from '@diaspora/service-kit';

export interface ThrottleSettings {
  /** Failures for one account from one IP before that pair is locked (the owner elsewhere is not). */
  maxAccountFailures: number;
  /** Failures from one IP, whatever the accounts, before the IP is locked (password spraying). */
  maxIpFailures: number;
  /** Failures are counted over this window. */
  windowSeconds: number;
  /** First lock length; each further failure doubles it, up to `maxLockSeconds`. */
  baseLockSeconds: number;
  maxLockSeconds: number;
  /** Failures for one account from anywhere before every attempt on it is slowed (never refused). */
  accountDelayAfter: number;
  /** The longest such delay; it doubles from 250 ms with each further failure. */
  maxDelayMs: number;
}

const hashed = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 32);
const FIRST_DELAY_MS = 250;

/**
 * Login throttling on the cache port (shared by replicas when it is Redis), after OWASP's authentication
 * guidance: failures lock the account only for the IP they come from, and the IP itself when it sprays many
 * accounts, so nobody can lock a member out by failing on purpose from elsewhere. Failures on an account from
 * anywhere only slow its sign-ins down (a bounded delay), which still defeats distributed guessing. Unknown
 * emails are counted like known ones, so nothing here reveals which accounts exist.
 */
export class LoginThrottle {
  constructor(
    private readonly cache: Cache,
    private readonly settings: ThrottleSettings,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  private locks(email: string, ip: string | null) {
    const pair = `acct-ip:${hashed(`${email}\n${ip ?? 'unknown'}`)}`;
    const locks = [{ key: pair, max: this.settings.maxAccountFailures }];
    if (ip) locks.push({ key: `ip:${ip}`, max: this.settings.maxIpFailures });
    return locks;
  }

  private accountKey = (email: string) => `login:fail:acct:${hashed(email)}`;

  /**
   * Throws 429 (with Retry-After) while this account is locked for this IP, or the IP is; otherwise waits the
   * account's soft delay. Called before any password is checked.
   */
  async check(email: string, ip: string | null, now = Date.now()): Promise<void> {
    for (const lock of this.locks(email, ip)) {
      const until = Number((await this.cache.get(`login:lock:${lock.key}`)) ?? 0);
      if (until > now) {
        const seconds = Math.ceil((until - now) / 1000);
        throw problems.tooManyRequests(
          seconds,
          `Too many failed sign-in attempts; try again in ${seconds} seconds.`,
          'login-locked',
        );
      }
    }
    const delay = this.delayFor(Number((await this.cache.get(this.accountKey(email))) ?? 0));
    if (delay > 0) await this.sleep(delay);
  }

  /** The soft delay after `failures` on an account, from anyone. */
  delayFor(failures: number): number {
    const over = failures - this.settings.accountDelayAfter;
    return over < 0 ? 0 : Math.min(FIRST_DELAY_MS * 2 ** over, this.settings.maxDelayMs);
  }

  async failed(email: string, ip: string | null, now = Date.now()): Promise<void> {
    const windowMs = this.settings.windowSeconds * 1000;
    await this.cache.increment(this.accountKey(email), windowMs);
    for (const lock of this.locks(email, ip)) {
      const { value } = await this.cache.increment(`login:fail:${lock.key}`, windowMs);
      if (value < lock.max) continue;
      const seconds = Math.min(this.settings.baseLockSeconds * 2 ** (value - lock.max), this.settings.maxLockSeconds);
      await this.cache.set(`login:lock:${lock.key}`, String(now + seconds * 1000), seconds * 1000);
    }
  }

  /**
   * The member proved who they are (right password, or a password reset): the account's delay ends, and so do
   * the failures and lock of the IP it came from, if known. The IP's own count stays: one success must not
   * unlock a spray.
   */
  async succeeded(email: string, ip?: string | null): Promise<void> {
    await this.cache.delete(this.accountKey(email));
    if (ip === undefined) return;
    const [pair] = this.locks(email, ip);
    await this.cache.delete(`login:fail:${pair!.key}`);
    await this.cache.delete(`login:lock:${pair!.key}`);
  }
}
