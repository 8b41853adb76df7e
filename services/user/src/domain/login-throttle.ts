import { createHash } from 'node:crypto';
import { type Cache, problems } from '@diaspora/service-kit';

export interface ThrottleSettings {
  /** Failures of one account (by email, known or not) before it is locked. */
  maxAccountFailures: number;
  /** Failures from one IP, whatever the accounts, before the IP is locked. */
  maxIpFailures: number;
  /** Failures are counted over this window. */
  windowSeconds: number;
  /** First lock length; each further failure doubles it, up to `maxLockSeconds`. */
  baseLockSeconds: number;
  maxLockSeconds: number;
}

const hashed = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 32);

/**
 * Login lockout with exponential backoff, per account and per IP, on the cache port (shared by replicas when it
 * is Redis). Unknown emails are counted like known ones, so a lock reveals nothing about which accounts exist.
 */
export class LoginThrottle {
  constructor(
    private readonly cache: Cache,
    private readonly settings: ThrottleSettings,
  ) {}

  private subjects(email: string, ip: string | null) {
    const subjects = [{ key: `acct:${hashed(email)}`, max: this.settings.maxAccountFailures }];
    if (ip) subjects.push({ key: `ip:${ip}`, max: this.settings.maxIpFailures });
    return subjects;
  }

  /** Throws 429 (with Retry-After) while the account or the IP is locked, before any password is checked. */
  async check(email: string, ip: string | null, now = Date.now()): Promise<void> {
    for (const subject of this.subjects(email, ip)) {
      const until = Number((await this.cache.get(`login:lock:${subject.key}`)) ?? 0);
      if (until > now) {
        const seconds = Math.ceil((until - now) / 1000);
        throw problems.tooManyRequests(
          seconds,
          `Too many failed sign-in attempts; try again in ${seconds} seconds.`,
          'login-locked',
        );
      }
    }
  }

  async failed(email: string, ip: string | null, now = Date.now()): Promise<void> {
    for (const subject of this.subjects(email, ip)) {
      const { value } = await this.cache.increment(`login:fail:${subject.key}`, this.settings.windowSeconds * 1000);
      if (value < subject.max) continue;
      const seconds = Math.min(
        this.settings.baseLockSeconds * 2 ** (value - subject.max),
        this.settings.maxLockSeconds,
      );
      await this.cache.set(`login:lock:${subject.key}`, String(now + seconds * 1000), seconds * 1000);
    }
  }

  /** A correct password clears the account's failures (the IP's stay: one success must not unlock a spray). */
  async succeeded(email: string): Promise<void> {
    const [account] = this.subjects(email, null);
    await this.cache.delete(`login:fail:${account!.key}`);
    await this.cache.delete(`login:lock:${account!.key}`);
  }
}
