import { DiasporaClient, type paths } from '@diaspora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPlatform } from './fixtures.js';

const platform = testPlatform('e2e');
const { api } = platform;
/** The typed SDK, as a client app uses it: a changed contract fails to compile or to answer here. */
let sdk: DiasporaClient['api'];
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** Boots the platform (its gateway gets a new port each time) and points the SDK at it. */
async function boot() {
  await platform.boot();
  sdk = new DiasporaClient({ baseUrl: platform.gatewayUrl }).api;
}
beforeAll(boot);
afterAll(() => platform.dispose());

const member: paths['/api/v1/users/auth/register']['post']['requestBody']['content']['application/json'] = {
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
    const registered = await sdk.POST('/api/v1/users/auth/register', { body: member });
    expect(registered.response.status).toBe(201);
    expect(registered.response.headers.get('x-request-id')).toBeTruthy();

    const login = await sdk.POST('/api/v1/users/auth/login', {
      body: { email: member.email, password: member.password },
    });
    expect(login.response.status).toBe(200);
    const tokens = login.data!;

    const profile = await sdk.GET('/api/v1/users/profile', { headers: bearer(tokens.accessToken) });
    expect(profile.response.status).toBe(200);
    expect(profile.data).toMatchObject({ email: member.email, residenceCity: 'Toronto', originCountry: 'GH' });

    const refreshed = await sdk.POST('/api/v1/users/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    expect(refreshed.response.status).toBe(200);
    const fresh = refreshed.data!;
    expect((await sdk.GET('/api/v1/users/profile', { headers: bearer(fresh.accessToken) })).response.status).toBe(200);

    const reused = await sdk.POST('/api/v1/users/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    expect(reused.response.status).toBe(401);
    expect(reused.response.headers.get('content-type')).toContain('application/problem+json');
    // The whole session is gone, the rotated token included.
    expect(
      (await sdk.POST('/api/v1/users/auth/refresh', { body: { refreshToken: fresh.refreshToken } })).response.status,
    ).toBe(401);
  });

  it('the gateway enforces the jwt plugin before the service sees the request', async () => {
    const { response, error } = await sdk.GET('/api/v1/users/profile', { headers: bearer('e30.e30.e30') });
    expect(response.status).toBe(401);
    expect((error as { detail?: string }).detail).toMatch(/iss/);
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
    await boot();
    const login = await sdk.POST('/api/v1/users/auth/login', {
      body: { email: member.email, password: member.password },
    });
    expect(login.response.status).toBe(200);
  });
});
