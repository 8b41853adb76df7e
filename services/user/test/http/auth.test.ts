import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, register, registration, startUserService, type UserTestService } from '../fixtures.js';

let service: UserTestService;
beforeAll(async () => {
  service = await startUserService();
});
afterAll(() => service?.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  service.app.inject({ method: 'POST', url: `/api/v1/users/auth/${url}`, payload: payload as object, headers });

describe('POST /auth/register', () => {
  it('creates the account, returns the own profile and a token pair', async () => {
    const body = registration({ email: 'Amina.Diallo@Example.COM', languages: ['fr', 'pt-br'] });
    const response = await post('register', body);
    expect(response.statusCode).toBe(201);
    const result = response.json();
    expect(result.user).toMatchObject({
      email: 'amina.diallo@example.com',
      emailVerified: false,
      displayName: body.displayName,
      originCountry: 'SN',
      residenceCountry: 'FR',
      residenceCity: 'Paris',
      languages: ['fr', 'pt-BR'],
      roles: ['regular'],
      tier: 'free',
    });
    expect(result.user.id).toMatch(/^usr_[0-9a-z]{26}$/);
    expect(result.user).not.toHaveProperty('passwordHash');
    expect(result).toMatchObject({ expiresIn: 900, tokenType: 'Bearer' });
    expect(result.refreshToken).toMatch(/^rt_/);
    const profile = await service.app.inject({ url: '/api/v1/users/profile', headers: bearer(result.accessToken) });
    expect(profile.json().id).toBe(result.user.id);
  });

  it('refuses a second account for the same email, whatever its case, with 409', async () => {
    const body = registration();
    expect((await post('register', body)).statusCode).toBe(201);
    const again = await post('register', { ...body, email: body.email.toUpperCase() });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json()).toMatchObject({ status: 409, type: expect.stringMatching(/email-taken$/) });
  });

  it('explains each invalid field with 400 and writes nothing', async () => {
    const body = registration({
      email: 'not-an-email',
      password: 'short',
      originCountry: 'XX',
      languages: ['fr', 'fr'],
      domains: ['cooking'],
      extra: true,
    });
    const response = await post('register', body);
    expect(response.statusCode).toBe(400);
    const fields = response.json().errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'originCountry', 'languages', 'domains[0]', 'extra']));
    const { rows } = await service.context.db.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [
      body.email,
    ]);
    expect(rows[0]!.n).toBe(0);
  });

  it('applies the password policy with field errors', async () => {
    for (const password of ['short', 'password123', 'aaaaaaaaaaaa', 'é'.repeat(40)]) {
      const response = await post('register', registration({ password }));
      expect(response.statusCode, password).toBe(400);
      expect(response.json().errors[0].field).toBe('password');
    }
  });

  it('rejects unknown language tags and blank names', async () => {
    const response = await post('register', registration({ languages: ['zz'], displayName: '   ' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual(
      expect.arrayContaining([
        { field: 'languages[0]', message: expect.stringContaining('zz') },
        { field: 'displayName', message: 'must not be blank' },
      ]),
    );
  });

  it('answers malformed JSON and the wrong content type with clear 4xx problems', async () => {
    const malformed = await service.app.inject({
      method: 'POST',
      url: '/api/v1/users/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    const text = await service.app.inject({
      method: 'POST',
      url: '/api/v1/users/auth/register',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
  });

  it('refuses a body above the limit with 413', async () => {
    const response = await post('register', registration({ bio: 'x'.repeat(2 * 1024 * 1024) }));
    expect(response.statusCode).toBe(413);
    expect(response.json().status).toBe(413);
  });
});

describe('POST /auth/login', () => {
  it('signs in with the right password, whatever the email case', async () => {
    const session = await register(service.app);
    const response = await post('login', { email: session.user.email.toUpperCase(), password: session.password });
    expect(response.statusCode).toBe(200);
    expect(response.json().user.id).toBe(session.user.id);
  });

  it('gives the same 401 for a wrong password and an unknown email', async () => {
    const session = await register(service.app);
    const wrongPassword = await post('login', { email: session.user.email, password: 'not the password at all' });
    const unknownEmail = await post('login', { email: 'nobody-here@example.com', password: 'not the password at all' });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(wrongPassword.json())).toEqual(strip(unknownEmail.json()));
  });
});

describe('POST /auth/refresh', () => {
  it('rotates: the new pair works, the old refresh token is spent', async () => {
    const session = await register(service.app);
    const first = await post('refresh', { refreshToken: session.refreshToken });
    expect(first.statusCode).toBe(200);
    const rotated = first.json();
    expect(rotated.refreshToken).not.toBe(session.refreshToken);
    const profile = await service.app.inject({ url: '/api/v1/users/profile', headers: bearer(rotated.accessToken) });
    expect(profile.statusCode).toBe(200);
    expect((await post('refresh', { refreshToken: rotated.refreshToken })).statusCode).toBe(200);
  });

  it('treats reuse of a rotated token as theft: 401 and the whole session is revoked', async () => {
    const session = await register(service.app);
    const rotated = (await post('refresh', { refreshToken: session.refreshToken })).json();
    const reuse = await post('refresh', { refreshToken: session.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().detail).toMatch(/already used/);
    // The legitimate successor dies with the family.
    expect((await post('refresh', { refreshToken: rotated.refreshToken })).statusCode).toBe(401);
    // Other sessions of the same user are untouched.
    const other = (await post('login', { email: session.user.email, password: session.password })).json();
    expect((await post('refresh', { refreshToken: other.refreshToken })).statusCode).toBe(200);
  });

  it('lets exactly one of two concurrent refreshes of one token win', async () => {
    const session = await register(service.app);
    const results = await Promise.all([1, 2].map(() => post('refresh', { refreshToken: session.refreshToken })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('refuses unknown and expired tokens', async () => {
    expect((await post('refresh', { refreshToken: 'rt_made-up' })).statusCode).toBe(401);
    const session = await register(service.app);
    await service.context.db.query("UPDATE refresh_tokens SET expires_at = now() - interval '1 second'");
    expect((await post('refresh', { refreshToken: session.refreshToken })).statusCode).toBe(401);
  });
});

describe('POST /auth/logout', () => {
  it('ends the session: its refresh token stops working; 204 even for unknown tokens', async () => {
    const session = await register(service.app);
    const response = await post('logout', { refreshToken: session.refreshToken });
    expect(response.statusCode).toBe(204);
    expect((await post('refresh', { refreshToken: session.refreshToken })).statusCode).toBe(401);
    expect((await post('logout', { refreshToken: 'rt_unknown' })).statusCode).toBe(204);
  });
});
