import { createHash } from 'node:crypto';
import { devOutbox } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, register, type Session, startUserService, type UserTestService } from '../fixtures.js';

let service: UserTestService;
beforeAll(async () => {
  service = await startUserService({
    env: {
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_IP: '8',
      LOGIN_LOCK_BASE_SECONDS: '30',
      PASSWORD_RESET_PER_HOUR: '2',
      // The requests below come "through the gateway" (inject's loopback peer) with the client in X-Forwarded-For.
      TRUSTED_PROXIES: 'loopback',
    },
  });
});
afterAll(() => service?.close());

const loginFrom = (ip: string, email: string, password: string) =>
  service.app.inject({
    method: 'POST',
    url: '/api/v1/users/auth/login',
    headers: { 'x-forwarded-for': ip },
    payload: { email, password },
  });
const NEW_PASSWORD = 'a brand new passphrase';

describe('login throttling (a lock for the attacking IP, never for everyone)', () => {
  it('locks an account only for the IP its failures come from, with backoff; the owner elsewhere signs in', async () => {
    const member = await register(service.app);
    for (let i = 0; i < 3; i++)
      expect((await loginFrom('10.0.0.1', member.user.email, 'wrong password!')).statusCode).toBe(401);
    const locked = await loginFrom('10.0.0.1', member.user.email, member.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().type).toMatch(/login-locked$/);
    const first = Number(locked.headers['retry-after']);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(30);
    // The owner, from another address, is not locked out by someone else's failures.
    expect((await loginFrom('10.0.0.2', member.user.email, member.password)).statusCode).toBe(200);
    // Expire the lock: the next failure from that IP locks it for twice as long (exponential backoff).
    await service.context.cache.set(`login:lock:acct-ip:${pairKey(member.user.email, '10.0.0.1')}`, '0', 1);
    expect((await loginFrom('10.0.0.1', member.user.email, 'wrong again!!')).statusCode).toBe(401);
    const longer = await loginFrom('10.0.0.1', member.user.email, member.password);
    expect(Number(longer.headers['retry-after'])).toBeGreaterThan(30);
  });

  it('treats unknown emails the same way (no account enumeration)', async () => {
    for (let i = 0; i < 3; i++)
      expect((await loginFrom('10.1.0.1', 'nobody@example.com', 'whatever pass')).statusCode).toBe(401);
    expect((await loginFrom('10.1.0.1', 'nobody@example.com', 'whatever pass')).statusCode).toBe(429);
    expect((await loginFrom('10.1.0.2', 'nobody@example.com', 'whatever pass')).statusCode).toBe(401);
  });

  it('locks an IP that sprays many accounts, without locking those accounts elsewhere', async () => {
    const victims = await Promise.all([1, 2, 3, 4].map(() => register(service.app)));
    for (const victim of victims) {
      for (let i = 0; i < 2; i++) await loginFrom('10.2.0.1', victim.user.email, 'wrong password!');
    }
    const fromSprayer = await loginFrom('10.2.0.1', victims[3]!.user.email, victims[3]!.password);
    expect(fromSprayer.statusCode).toBe(429);
    expect((await loginFrom('10.2.0.9', victims[3]!.user.email, victims[3]!.password)).statusCode).toBe(200);
  });

  it('a successful login clears the failures of its IP for the account', async () => {
    const member = await register(service.app);
    for (let i = 0; i < 2; i++) await loginFrom('10.3.0.1', member.user.email, 'wrong password!');
    expect((await loginFrom('10.3.0.1', member.user.email, member.password)).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) await loginFrom('10.3.0.1', member.user.email, 'wrong password!');
    expect((await loginFrom('10.3.0.1', member.user.email, member.password)).statusCode).toBe(200);
  });
});

function pairKey(email: string, ip: string) {
  return createHash('sha256').update(`${email}\n${ip}`).digest('base64url').slice(0, 32);
}

describe('password change', () => {
  it('needs the current password, applies the policy, and signs out every other session', async () => {
    const member = await register(service.app);
    const other = (await loginFrom('10.4.0.1', member.user.email, member.password)).json() as Session;
    const change = (body: object) => call(service.app, 'PUT', '/me/password', member.accessToken, body);

    const wrong = await change({ currentPassword: 'not my password', newPassword: NEW_PASSWORD });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().errors[0].field).toBe('currentPassword');
    const weak = await change({ currentPassword: member.password, newPassword: 'password123' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].field).toBe('newPassword');
    const same = await change({ currentPassword: member.password, newPassword: member.password });
    expect(same.statusCode).toBe(400);
    expect((await change({ currentPassword: member.password })).statusCode).toBe(400);

    expect((await change({ currentPassword: member.password, newPassword: NEW_PASSWORD })).statusCode).toBe(204);
    expect(
      (await call(service.app, 'POST', '/auth/refresh', undefined, { refreshToken: other.refreshToken })).statusCode,
    ).toBe(401);
    expect(
      (await call(service.app, 'POST', '/auth/refresh', undefined, { refreshToken: member.refreshToken })).statusCode,
    ).toBe(200);
    expect((await loginFrom('10.4.0.2', member.user.email, member.password)).statusCode).toBe(401);
    expect((await loginFrom('10.4.0.3', member.user.email, NEW_PASSWORD)).statusCode).toBe(200);
  });
});

describe('password reset by email', () => {
  // Reset links are mailed in the background, shortly after the request.
  const resetMail = (email: string) =>
    until(() => devOutbox.list({ to: email }).find((mail) => mail.subject === 'Reset your password'));
  const resetToken = async (email: string) => /code in the app: (\S+)/.exec((await resetMail(email)).text)![1]!;
  const queueDrained = () =>
    until(async () => {
      const { rows } = await service.context.db.query('SELECT count(*)::int AS n FROM password_reset_requests');
      return rows[0]!.n === 0;
    });

  it('mails a link; the reset sets the password, ends every session, verifies the email, and works once', async () => {
    const member = await register(service.app);
    const forgot = await call(service.app, 'POST', '/auth/password/forgot', undefined, {
      email: member.user.email.toUpperCase(),
    });
    expect(forgot.statusCode).toBe(202);
    const mail = await resetMail(member.user.email);
    expect(mail.subject).toBe('Reset your password');
    const token = await resetToken(member.user.email);
    expect(token).toMatch(/^pr_/);

    const weak = await call(service.app, 'POST', '/auth/password/reset', undefined, { token, newPassword: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].field).toBe('newPassword');
    expect(
      (await call(service.app, 'POST', '/auth/password/reset', undefined, { token, newPassword: NEW_PASSWORD }))
        .statusCode,
    ).toBe(204);
    expect(
      (await call(service.app, 'POST', '/auth/refresh', undefined, { refreshToken: member.refreshToken })).statusCode,
    ).toBe(401);
    const relogin = await loginFrom('10.5.0.1', member.user.email, NEW_PASSWORD);
    expect(relogin.statusCode).toBe(200);
    expect(relogin.json().user.emailVerified).toBe(true);
    const reused = await call(service.app, 'POST', '/auth/password/reset', undefined, {
      token,
      newPassword: 'yet another passphrase',
    });
    expect(reused.statusCode).toBe(410);
  });

  it('answers 202 for unknown addresses without sending anything, and rate-limits per address', async () => {
    const before = devOutbox.list().length;
    const unknown = await call(service.app, 'POST', '/auth/password/forgot', undefined, { email: 'ghost@example.com' });
    expect(unknown.statusCode).toBe(202);
    await queueDrained();
    expect(devOutbox.list().length).toBe(before);
    await call(service.app, 'POST', '/auth/password/forgot', undefined, { email: 'ghost@example.com' });
    expect(
      (await call(service.app, 'POST', '/auth/password/forgot', undefined, { email: 'ghost@example.com' })).statusCode,
    ).toBe(429);
    expect(
      (await call(service.app, 'POST', '/auth/password/forgot', undefined, { email: 'not-an-email' })).statusCode,
    ).toBe(400);
  });

  it('refuses expired (410) and unknown (400) tokens', async () => {
    const member = await register(service.app);
    await call(service.app, 'POST', '/auth/password/forgot', undefined, { email: member.user.email });
    const token = await resetToken(member.user.email);
    await service.context.db.query(
      "UPDATE verification_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1",
      [member.user.id],
    );
    expect(
      (await call(service.app, 'POST', '/auth/password/reset', undefined, { token, newPassword: NEW_PASSWORD }))
        .statusCode,
    ).toBe(410);
    const emailToken = /code in the app: (\S+)/.exec(
      devOutbox.list({ to: member.user.email, channel: 'email' }).find((m) => m.subject !== 'Reset your password')!
        .text,
    )![1]!;
    // A verification token is not a reset token.
    expect(
      (
        await call(service.app, 'POST', '/auth/password/reset', undefined, {
          token: emailToken,
          newPassword: NEW_PASSWORD,
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await call(service.app, 'POST', '/auth/password/reset', undefined, {
          token: 'pr_unknown',
          newPassword: NEW_PASSWORD,
        })
      ).statusCode,
    ).toBe(400);
  });
});

describe('sessions', () => {
  it('lists your sessions, marks the current one, and revokes one; other members cannot touch them', async () => {
    const member = await register(service.app);
    const phone = (await loginFrom('10.6.0.1', member.user.email, member.password)).json() as Session;
    const listed = await call(service.app, 'GET', '/me/sessions', member.accessToken);
    expect(listed.statusCode).toBe(200);
    const items = listed.json().items as { id: string; current: boolean; ip?: string }[];
    expect(items).toHaveLength(2);
    expect(items.filter((item) => item.current)).toHaveLength(1);
    const other = items.find((item) => !item.current)!;
    expect(other.ip).toBe('10.6.0.1');

    const stranger = await register(service.app);
    expect((await call(service.app, 'DELETE', `/me/sessions/${other.id}`, stranger.accessToken)).statusCode).toBe(404);
    expect((await call(service.app, 'DELETE', `/me/sessions/${other.id}`, member.accessToken)).statusCode).toBe(204);
    expect(
      (await call(service.app, 'POST', '/auth/refresh', undefined, { refreshToken: phone.refreshToken })).statusCode,
    ).toBe(401);
    expect((await call(service.app, 'GET', '/me/sessions', member.accessToken)).json().items).toHaveLength(1);
    expect((await call(service.app, 'DELETE', `/me/sessions/${other.id}`, member.accessToken)).statusCode).toBe(404);
    expect((await call(service.app, 'DELETE', '/me/sessions/not-a-session', member.accessToken)).statusCode).toBe(400);
    expect((await call(service.app, 'GET', '/me/sessions')).statusCode).toBe(401);
  });
});
