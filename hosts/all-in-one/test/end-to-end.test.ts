import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPlatform } from './fixtures.js';

const platform = testPlatform('e2e');
const { api } = platform;
beforeAll(() => platform.boot());
afterAll(() => platform.dispose());

const member = {
  email: 'kofi.mensah@example.com',
  password: 'a long passphrase here',
  displayName: 'Kofi Mensah',
  originCountry: 'GH',
  residenceCountry: 'CA',
  residenceCity: 'Toronto',
  languages: ['en', 'ak'],
  domains: ['ict'],
};

describe('all-in-one, through the gateway', () => {
  it('register → login → profile → refresh → reuse of the old refresh token → 401', async () => {
    const registered = await api('POST', '/api/v1/users/auth/register', member);
    expect(registered.status).toBe(201);
    expect(registered.headers.get('x-request-id')).toBeTruthy();

    const login = await api('POST', '/api/v1/users/auth/login', { email: member.email, password: member.password });
    expect(login.status).toBe(200);

    const profile = await api('GET', '/api/v1/users/profile', undefined, login.body.accessToken);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ email: member.email, residenceCity: 'Toronto', originCountry: 'GH' });

    const refreshed = await api('POST', '/api/v1/users/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await api('GET', '/api/v1/users/profile', undefined, refreshed.body.accessToken)).status).toBe(200);

    const reused = await api('POST', '/api/v1/users/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(reused.status).toBe(401);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');
    // The whole session is gone, the rotated token included.
    expect(
      (await api('POST', '/api/v1/users/auth/refresh', { refreshToken: refreshed.body.refreshToken })).status,
    ).toBe(401);
  });

  it('the gateway enforces the jwt plugin before the service sees the request', async () => {
    const response = await api('GET', '/api/v1/users/profile', undefined, 'e30.e30.e30');
    expect(response.status).toBe(401);
    expect(response.body.detail).toMatch(/iss/);
  });

  it('serves the aggregated API description and Swagger UI', async () => {
    const document = await api('GET', '/openapi.json');
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/users/auth/register', '/api/v1/users/profile']),
    );
    expect(document.body['x-unavailable-services']).toEqual([]);
    expect((await fetch(`${platform.gatewayUrl}/docs`)).status).toBe(200);
  });

  it('keeps data across a restart (persistent embedded PostgreSQL)', async () => {
    await platform.stop();
    await platform.boot();
    const login = await api('POST', '/api/v1/users/auth/login', { email: member.email, password: member.password });
    expect(login.status).toBe(200);
  });
});
