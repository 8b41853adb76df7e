import { createHmac, timingSafeEqual } from 'node:crypto';
import { NOTIFICATION_TYPES, type NotificationType } from './types.js';

/**
 * Unsubscribe links that work without signing in: the token names the member and the type and is signed with
 * the service's secret, so nobody can switch off someone else's emails by editing it.
 */
export class UnsubscribeLinks {
  constructor(
    private readonly secret: string,
    private readonly publicBaseUrl: string,
  ) {}

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(`unsubscribe:${body}`).digest('base64url').slice(0, 32);
  }

  token(userId: string, type: NotificationType): string {
    const body = Buffer.from(`${userId}|${type}`).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  url(userId: string, type: NotificationType): string {
    return `${this.publicBaseUrl.replace(/\/$/, '')}/api/v1/notifications/unsubscribe?token=${this.token(userId, type)}`;
  }

  /** The member and type of a genuine token; null for anything else. */
  read(token: string): { userId: string; type: NotificationType } | null {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const [userId, type] = Buffer.from(body, 'base64url').toString('utf8').split('|');
    if (!userId || !(NOTIFICATION_TYPES as readonly string[]).includes(type ?? '')) return null;
    return { userId, type: type as NotificationType };
  }
}
