import { generateSigningKey, loadPrivateKey } from '@diaspora/service-kit';
import { decodeJwt, decodeProtectedHeader, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, register, startUserService, type UserTestService } from '../fixtures.js';

let service: UserTestService;
beforeAll(async () => {
  service = await startUserService();
});
afterAll(() => service?.close());

const get = (url: string, token?: string) => service.app.inject({ url, headers: token ? bearer(token) : {} });
const patch = (payload: unknown, token: string) =>
  service.app.inject({
    method: 'PATCH',
    url: '/api/v1/users/profile',
    payload: payload as object,
    headers: bearer(token),
  });

describe('GET /profile', () => {
  it('needs a valid access token', async () => {
    const missing = await get('/api/v1/users/profile');
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect((await get('/api/v1/users/profile', 'not.a.jwt')).statusCode).toBe(401);
    const basic = await service.app.inject({ url: '/api/v1/users/profile', headers: { authorization: 'Basic abc' } });
    expect(basic.statusCode).toBe(401);
  });

  it('refuses expired, forged and foreign tokens', async () => {
    const session = await register(service.app);
    const payload = decodeJwt(session.accessToken);
    const { kid } = decodeProtectedHeader(session.accessToken);
    const sign = (claims: JWTPayload, pem: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: kid! }).sign(loadPrivateKey(pem));
    const expired = await sign({ ...payload, exp: Math.floor(Date.now() / 1000) - 60 }, service.config.JWT_PRIVATE_KEY);
    const forged = await sign(payload, generateSigningKey().privateKeyPem);
    const foreignIssuer = await sign({ ...payload, iss: 'someone-else' }, service.config.JWT_PRIVATE_KEY);
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
    for (const [name, token] of Object.entries({ expired, forged, foreignIssuer, none })) {
      const response = await get('/api/v1/users/profile', token);
      expect(response.statusCode, name).toBe(401);
      expect(response.headers['www-authenticate'], name).toContain('Bearer');
    }
    expect((await get('/api/v1/users/profile', expired)).json().detail).toMatch(/expired/);
  });

  it('returns the caller own profile with contact fields', async () => {
    const session = await register(service.app);
    const response = await get('/api/v1/users/profile', session.accessToken);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: session.user.id, email: session.user.email, phoneVerified: false });
  });
});

describe('PATCH /profile', () => {
  it('changes only the given fields and publishes users.profile.updated', async () => {
    const session = await register(service.app);
    const response = await patch(
      { bio: '  Software engineer in Paris  ', residenceCity: ' Lyon ', languages: ['en', 'FR'], domains: ['health'] },
      session.accessToken,
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      bio: 'Software engineer in Paris',
      residenceCity: 'Lyon',
      languages: ['en', 'fr'],
      domains: ['health'],
      originCountry: 'SN',
    });
    const { rows } = await service.context.db.query(
      "SELECT envelope FROM outbox WHERE subject = 'users.profile.updated' AND envelope->'data'->>'userId' = $1",
      [session.user.id],
    );
    expect(rows).toHaveLength(1);
    expect((rows[0]!.envelope as { data: { changed: string[] } }).data.changed.sort()).toEqual(
      ['bio', 'domains', 'languages', 'residenceCity'].sort(),
    );
  });

  it('clears nullable fields with null', async () => {
    const session = await register(service.app);
    await patch({ bio: 'hello', avatarUrl: 'https://cdn.example.com/a.png' }, session.accessToken);
    const cleared = await patch({ bio: null, avatarUrl: null }, session.accessToken);
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).not.toHaveProperty('bio');
    expect(cleared.json()).not.toHaveProperty('avatarUrl');
  });

  it('rejects empty, unknown and invalid fields with 400 and changes nothing', async () => {
    const session = await register(service.app);
    const cases: [unknown, string][] = [
      [{}, 'body'],
      [{ email: 'new@example.com' }, 'email'],
      [{ residenceCountry: 'ZZ' }, 'residenceCountry'],
      [{ languages: ['xx'] }, 'languages[0]'],
      [{ avatarUrl: 'http://insecure.example.com/a.png' }, 'avatarUrl'],
      [{ displayName: 'x'.repeat(81) }, 'displayName'],
    ];
    for (const [payload, field] of cases) {
      const response = await patch(payload, session.accessToken);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(
        response.json().errors.map((e: { field: string }) => e.field),
        JSON.stringify(payload),
      ).toContain(field);
    }
    const after = (await get('/api/v1/users/profile', session.accessToken)).json();
    expect(after).toMatchObject({ residenceCountry: 'FR', languages: ['fr', 'wo'], email: session.user.email });
  });
});

describe('GET /{userId}', () => {
  it('shows another member public view, never their contact data', async () => {
    const viewer = await register(service.app);
    const other = await register(service.app, { bio: 'Hello' });
    const response = await get(`/api/v1/users/${other.user.id}`, viewer.accessToken);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: other.user.id, bio: 'Hello' });
    expect(response.json()).not.toHaveProperty('email');
    expect(response.json()).not.toHaveProperty('phoneVerified');
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const viewer = await register(service.app);
    expect((await get('/api/v1/users/usr_00000000000000000000000000', viewer.accessToken)).statusCode).toBe(404);
    expect((await get('/api/v1/users/42', viewer.accessToken)).statusCode).toBe(400);
  });
});
