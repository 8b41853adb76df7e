import { devOutbox } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, outboxEvents, register, startUserService, type UserTestService } from '../fixtures.js';

let service: UserTestService;
beforeAll(async () => {
  service = await startUserService({
    env: { EMAIL_RESEND_PER_HOUR: '2', PHONE_MAX_ATTEMPTS: '3', PHONE_STARTS_PER_HOUR: '3' },
  });
});
afterAll(() => service?.close());

const lastMail = (to: string) => devOutbox.list({ to, channel: 'email' })[0];
const tokenIn = (text: string) => /code in the app: (\S+)/.exec(text)![1]!;
const lastCode = (phone: string) => /\b(\d{6})\b/.exec(devOutbox.list({ to: phone, channel: 'sms' })[0]!.text)![1]!;
let phones = 0;
const newPhone = () => `+2217712${String(10_000 + ++phones).slice(-5)}`;

describe('email verification', () => {
  it('registration mails a single-use link; verifying it flips emailVerified and publishes users.user.verified', async () => {
    const member = await register(service.app);
    const mail = lastMail(member.user.email)!;
    expect(mail.subject).toBe('Confirm your email address');
    const token = tokenIn(mail.text);
    expect(mail.text).toContain(`/verify-email?token=${token}`);

    expect((await call(service.app, 'POST', '/auth/verify-email', undefined, { token })).statusCode).toBe(204);
    expect((await call(service.app, 'GET', '/profile', member.accessToken)).json().emailVerified).toBe(true);
    const verified = await outboxEvents<{ userId: string; channel: string }>(service, 'users.user.verified');
    expect(verified).toContainEqual(expect.objectContaining({ userId: member.user.id, channel: 'email' }));

    const reused = await call(service.app, 'POST', '/auth/verify-email', undefined, { token });
    expect(reused.statusCode).toBe(410);
    expect(reused.json().type).toMatch(/token-used$/);
    expect((await call(service.app, 'POST', '/auth/verify-email/resend', member.accessToken)).statusCode).toBe(409);
  });

  it('refuses expired (410), unknown (400) and malformed (400) tokens', async () => {
    const member = await register(service.app);
    const token = tokenIn(lastMail(member.user.email)!.text);
    await service.context.db.query(
      "UPDATE verification_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1",
      [member.user.id],
    );
    const expired = await call(service.app, 'POST', '/auth/verify-email', undefined, { token });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().type).toMatch(/token-expired$/);
    const unknown = await call(service.app, 'POST', '/auth/verify-email', undefined, { token: 'ev_made-up-token' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().type).toMatch(/invalid-token$/);
    expect((await call(service.app, 'POST', '/auth/verify-email', undefined, { token: '' })).statusCode).toBe(400);
    expect((await call(service.app, 'POST', '/auth/verify-email', undefined, {})).statusCode).toBe(400);
    expect((await call(service.app, 'GET', '/profile', member.accessToken)).json().emailVerified).toBe(false);
  });

  it('resend sends a new link that replaces the old one, and is rate-limited (429 with Retry-After)', async () => {
    const member = await register(service.app);
    const first = tokenIn(lastMail(member.user.email)!.text);
    expect((await call(service.app, 'POST', '/auth/verify-email/resend', member.accessToken)).statusCode).toBe(202);
    const second = tokenIn(lastMail(member.user.email)!.text);
    expect(second).not.toBe(first);
    expect((await call(service.app, 'POST', '/auth/verify-email', undefined, { token: first })).statusCode).toBe(410);
    expect((await call(service.app, 'POST', '/auth/verify-email/resend', member.accessToken)).statusCode).toBe(202);
    const limited = await call(service.app, 'POST', '/auth/verify-email/resend', member.accessToken);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await call(service.app, 'POST', '/auth/verify-email/resend')).statusCode).toBe(401);
  });
});

describe('phone verification', () => {
  it('sends a code (E.164), verifies it, and publishes users.user.verified', async () => {
    const member = await register(service.app);
    const phone = newPhone();
    expect((await call(service.app, 'POST', '/auth/phone/start', member.accessToken, { phone })).statusCode).toBe(202);
    const verified = await call(service.app, 'POST', '/auth/phone/verify', member.accessToken, {
      phone,
      code: lastCode(phone),
    });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ phone, phoneVerified: true });
    const events = await outboxEvents<{ userId: string; channel: string }>(service, 'users.user.verified');
    expect(events).toContainEqual(expect.objectContaining({ userId: member.user.id, channel: 'phone' }));
    expect((await call(service.app, 'POST', '/auth/phone/start', member.accessToken, { phone })).statusCode).toBe(409);
  });

  it('rejects numbers that are not E.164 with a field error', async () => {
    const member = await register(service.app);
    for (const phone of ['0612345678', '+0612345678', '+33 6 12 34 56 78', '+1234', 'phone']) {
      const response = await call(service.app, 'POST', '/auth/phone/start', member.accessToken, { phone });
      expect(response.statusCode, phone).toBe(400);
      expect(response.json().errors[0].field, phone).toBe('phone');
    }
  });

  it('counts wrong codes: 400 with attempts left, then 429 until a new code; the right code after that fails', async () => {
    const member = await register(service.app);
    const phone = newPhone();
    await call(service.app, 'POST', '/auth/phone/start', member.accessToken, { phone });
    const code = lastCode(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    const first = await call(service.app, 'POST', '/auth/phone/verify', member.accessToken, { phone, code: wrong });
    expect(first.statusCode).toBe(400);
    expect(first.json()).toMatchObject({
      type: expect.stringMatching(/invalid-code$/),
      detail: expect.stringContaining('2 attempt'),
    });
    await call(service.app, 'POST', '/auth/phone/verify', member.accessToken, { phone, code: wrong });
    await call(service.app, 'POST', '/auth/phone/verify', member.accessToken, { phone, code: wrong });
    const locked = await call(service.app, 'POST', '/auth/phone/verify', member.accessToken, { phone, code });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().type).toMatch(/too-many-attempts$/);

    await call(service.app, 'POST', '/auth/phone/start', member.accessToken, { phone });
    const fresh = await call(service.app, 'POST', '/auth/phone/verify', member.accessToken, {
      phone,
      code: lastCode(phone),
    });
    expect(fresh.statusCode).toBe(200);
  });

  it('refuses expired codes (410), codes for another number (400) and codes never asked for (400)', async () => {
    const member = await register(service.app);
    const phone = newPhone();
    expect(
      (await call(service.app, 'POST', '/auth/phone/verify', member.accessToken, { phone, code: '123456' })).statusCode,
    ).toBe(400);
    await call(service.app, 'POST', '/auth/phone/start', member.accessToken, { phone });
    const otherNumber = await call(service.app, 'POST', '/auth/phone/verify', member.accessToken, {
      phone: newPhone(),
      code: lastCode(phone),
    });
    expect(otherNumber.statusCode).toBe(400);
    await service.context.db.query(
      "UPDATE phone_verifications SET expires_at = now() - interval '1 second' WHERE user_id = $1",
      [member.user.id],
    );
    const expired = await call(service.app, 'POST', '/auth/phone/verify', member.accessToken, {
      phone,
      code: lastCode(phone),
    });
    expect(expired.statusCode).toBe(410);
    expect(
      (await call(service.app, 'POST', '/auth/phone/verify', member.accessToken, { phone, code: 'abc' })).statusCode,
    ).toBe(400);
  });

  it('keeps a number on one account only (409), and limits how many codes are sent (429)', async () => {
    const [a, b] = [await register(service.app), await register(service.app)];
    const phone = newPhone();
    await call(service.app, 'POST', '/auth/phone/start', a.accessToken, { phone });
    await call(service.app, 'POST', '/auth/phone/verify', a.accessToken, { phone, code: lastCode(phone) });
    await call(service.app, 'POST', '/auth/phone/start', b.accessToken, { phone });
    const taken = await call(service.app, 'POST', '/auth/phone/verify', b.accessToken, {
      phone,
      code: lastCode(phone),
    });
    expect(taken.statusCode).toBe(409);
    expect((await call(service.app, 'GET', '/profile', b.accessToken)).json().phoneVerified).toBe(false);

    for (let i = 0; i < 2; i++)
      await call(service.app, 'POST', '/auth/phone/start', b.accessToken, { phone: newPhone() });
    expect(
      (await call(service.app, 'POST', '/auth/phone/start', b.accessToken, { phone: newPhone() })).statusCode,
    ).toBe(429);
  });
});
