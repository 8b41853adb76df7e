import { freePort } from '@diaspora/testing';
import { decodeJwt } from 'jose';
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, outboxEvents, register, startUserService, type UserTestService } from '../fixtures.js';

// A real OpenID Connect server on loopback (oauth2-mock-server): the service discovers it, redirects to it,
// exchanges the code with PKCE over HTTP and reads userinfo, exactly as it does with Google or LinkedIn.
let provider: OAuth2Server;
let service: UserTestService;
let base: string;
/** Who the provider says signed in, for the next flow. */
let identity: Record<string, unknown>;

beforeAll(async () => {
  provider = new OAuth2Server();
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  const issuer = provider.issuer.url!;
  provider.service.on('beforeTokenSigning', (token) => {
    Object.assign(token.payload, { sub: identity.sub, email: identity.email, email_verified: identity.email_verified });
  });
  provider.service.on('beforeUserinfo', (response: { body: unknown }) => {
    response.body = identity.facebook
      ? { id: identity.sub, name: identity.name, email: identity.email, picture: { data: { url: identity.picture } } }
      : identity;
  });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  service = await startUserService({
    listen: true,
    env: {
      HTTP_PORT: String(port),
      PUBLIC_API_URL: base,
      OAUTH_GOOGLE_CLIENT_ID: 'google-client',
      OAUTH_GOOGLE_CLIENT_SECRET: 'google-secret',
      OAUTH_GOOGLE_ISSUER: issuer,
      OAUTH_LINKEDIN_CLIENT_ID: 'linkedin-client',
      OAUTH_LINKEDIN_CLIENT_SECRET: 'linkedin-secret',
      OAUTH_LINKEDIN_ISSUER: issuer,
      OAUTH_FACEBOOK_CLIENT_ID: 'facebook-client',
      OAUTH_FACEBOOK_CLIENT_SECRET: 'facebook-secret',
      OAUTH_FACEBOOK_ISSUER: issuer,
      OAUTH_FACEBOOK_AUTHORIZATION_URL: `${issuer}/authorize`,
      OAUTH_FACEBOOK_TOKEN_URL: `${issuer}/token`,
      OAUTH_FACEBOOK_PROFILE_URL: `${issuer}/userinfo`,
    },
  });
});
afterAll(async () => {
  await service?.close();
  await provider?.stop();
});

let sequence = 0;
beforeEach(() => {
  sequence += 1;
  identity = {
    sub: `provider-user-${sequence}`,
    email: `social${sequence}@example.com`,
    email_verified: true,
    name: `Social Member ${sequence}`,
    picture: `https://photos.example.com/${sequence}.jpg`,
  };
});

interface CallbackBody {
  type?: string;
  signupToken: string;
  profile: Record<string, unknown>;
  linked?: boolean;
  refreshToken?: string;
  user?: Record<string, unknown>;
}

/** The browser's part: start → provider → callback, following each redirect by hand and keeping the cookie. */
async function signIn(
  name: 'google' | 'facebook' | 'linkedin',
  options: { cookie?: string | null; tamper?: (url: URL) => void } = {},
) {
  const start = await fetch(`${base}/api/v1/users/auth/oauth/${name}/start`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const setCookie = start.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/HttpOnly/);
  const cookie = options.cookie === undefined ? setCookie.split(';')[0]! : options.cookie;
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.origin).toBe(provider.issuer.url);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${base}/api/v1/users/auth/oauth/${name}/callback`);
  const atProvider = await fetch(authorize, { redirect: 'manual' });
  expect(atProvider.status).toBe(302);
  const callback = new URL(atProvider.headers.get('location')!);
  options.tamper?.(callback);
  const response = await fetch(callback, { headers: cookie ? { cookie } : {} });
  return { status: response.status, body: (await response.json()) as CallbackBody, callback, cookie };
}

async function completeSignup(signupToken: string, extra: Record<string, unknown> = {}) {
  return call(service.app, 'POST', '/auth/oauth/signup', undefined, {
    signupToken,
    originCountry: 'CM',
    residenceCountry: 'BE',
    residenceCity: 'Brussels',
    languages: ['fr', 'en'],
    ...extra,
  });
}

describe('OAuth sign-in (authorization code + PKCE + state) against a local OpenID Connect server', () => {
  it('Google, new email: sign-up with imported profile, then the next sign-in reuses the linked identity', async () => {
    const first = await signIn('google');
    expect(first.status).toBe(202);
    expect(first.body.profile).toEqual({
      email: identity.email,
      emailVerified: true,
      displayName: identity.name,
      avatarUrl: identity.picture,
      bio: null,
    });
    const created = await completeSignup(first.body.signupToken);
    expect(created.statusCode).toBe(201);
    const { user, accessToken } = created.json();
    expect(user).toMatchObject({
      email: identity.email,
      emailVerified: true,
      displayName: identity.name,
      avatarUrl: identity.picture,
      hasPassword: false,
      originCountry: 'CM',
    });
    expect(decodeJwt(accessToken)).toMatchObject({ sub: user.id, email_verified: true });
    expect((await completeSignup(first.body.signupToken)).statusCode).toBe(410);
    const registered = await outboxEvents<{ userId: string }>(service, 'users.user.registered');
    expect(registered.map((event) => event.userId)).toContain(user.id);

    const again = await signIn('google');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ linked: false, user: { id: user.id }, tokenType: 'Bearer' });
    expect(again.body.refreshToken).toMatch(/^rt_/);
  });

  it('takes the time zone at sign-up; a suspended member is refused 403 account-suspended', async () => {
    const first = await signIn('google');
    const created = await completeSignup(first.body.signupToken, { timeZone: 'Europe/Brussels' });
    expect(created.statusCode).toBe(201);
    const { user } = created.json();
    expect(user.timeZone).toBe('Europe/Brussels');
    await service.context.db.query(
      "UPDATE users SET status = 'suspended', suspension_reason = 'spam', suspended_by = 'usr_admin' WHERE id = $1",
      [user.id],
    );
    const refused = await signIn('google');
    expect(refused.status).toBe(403);
    expect(refused.body.type).toMatch(/account-suspended$/);
  });

  it('links a provider to the existing account with the same VERIFIED email, importing the headline', async () => {
    const member = await register(service.app, { email: identity.email as string });
    await service.context.db.query('UPDATE users SET email_verified = true WHERE id = $1', [member.user.id]);
    identity.headline = 'Cloud architect, Dakar ↔ Montréal';
    const linked = await signIn('linkedin');
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({
      linked: true,
      user: { id: member.user.id, bio: identity.headline, avatarUrl: identity.picture },
    });
    const { rows } = await service.context.db.query(
      'SELECT provider, subject FROM oauth_identities WHERE user_id = $1',
      [member.user.id],
    );
    expect(rows).toEqual([{ provider: 'linkedin', subject: identity.sub }]);
    const updates = await outboxEvents<{ userId: string; changed: string[] }>(service, 'users.profile.updated');
    expect(
      updates
        .filter((event) => event.userId === member.user.id)
        .at(-1)!
        .changed.sort(),
    ).toEqual(['avatarUrl', 'bio']);
  });

  it('never links to an account whose email is unverified, nor with an unverified provider email (409)', async () => {
    const member = await register(service.app, { email: identity.email as string });
    const refused = await signIn('google');
    expect(refused.status).toBe(409);
    expect(refused.body.type).toMatch(/account-exists$/);

    await service.context.db.query('UPDATE users SET email_verified = true WHERE id = $1', [member.user.id]);
    identity = { ...identity, sub: `${identity.sub}-b`, email_verified: false };
    expect((await signIn('google')).status).toBe(409);
    const { rows } = await service.context.db.query(
      'SELECT count(*)::int AS n FROM oauth_identities WHERE user_id = $1',
      [member.user.id],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('Facebook (plain OAuth 2.0 + Graph profile) signs up too', async () => {
    identity.facebook = true;
    const first = await signIn('facebook');
    expect(first.status).toBe(202);
    expect(first.body.profile).toMatchObject({
      email: identity.email,
      displayName: identity.name,
      avatarUrl: identity.picture,
    });
    const created = await completeSignup(first.body.signupToken, { displayName: 'Chosen Name', domains: ['ict'] });
    expect(created.statusCode).toBe(201);
    expect(created.json().user).toMatchObject({ displayName: 'Chosen Name', domains: ['ict'] });
  });

  it('refuses a callback without the state cookie, with a forged state, or replayed (400)', async () => {
    const noCookie = await signIn('google', { cookie: null });
    expect(noCookie.status).toBe(400);
    expect(noCookie.body.type).toMatch(/oauth-state-mismatch$/);

    const forged = await signIn('google', { tamper: (url) => url.searchParams.set('state', 'forged') });
    expect(forged.status).toBe(400);

    const done = await signIn('google');
    expect(done.status).toBe(202);
    const replay = await fetch(done.callback, { headers: { cookie: done.cookie! } });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { type: string }).type).toMatch(/oauth-state-expired$/);
  });

  it('reports a code the provider rejects as 502, and a denied sign-in as 400', async () => {
    const badCode = await signIn('google', { tamper: (url) => url.searchParams.set('code', 'not-a-code') });
    // The mock rejects an unknown code's PKCE verifier: the exchange fails at the provider.
    expect(badCode.status).toBe(502);
    expect(badCode.body.type).toMatch(/oauth-provider-error$/);
    const denied = await signIn('google', {
      tamper: (url) => {
        url.searchParams.delete('code');
        url.searchParams.set('error', 'access_denied');
      },
    });
    expect(denied.status).toBe(400);
    expect(denied.body.type).toMatch(/oauth-denied$/);
  });

  it('asks for an email when the provider shares none (422)', async () => {
    delete identity.email;
    const noEmail = await signIn('google');
    expect(noEmail.status).toBe(422);
  });

  it('validates the sign-up fields and the provider name', async () => {
    const first = await signIn('google');
    const invalid = await completeSignup(first.body.signupToken, { originCountry: 'XX', languages: ['zz'] });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['originCountry']),
    );
    expect((await completeSignup('unknown-token')).statusCode).toBe(410);
    expect((await call(service.app, 'GET', '/auth/oauth/myspace/start')).statusCode).toBe(400);
  });
});

describe('providers that are not configured', () => {
  it('answer 404 (enabled only with a client id and secret)', async () => {
    const bare = await startUserService();
    try {
      const response = await call(bare.app, 'GET', '/auth/oauth/google/start');
      expect(response.statusCode).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
