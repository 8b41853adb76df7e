import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, testPlatform } from './fixtures.js';

// The user service's flows through the gateway, as a client sees them in all-in-one mode: verification codes read
// from GET /dev/outbox, the super user from SUPERUSER_*, appointments, the graph, privacy and GDPR.
const SUPER = { email: 'admin@diaspora.test', password: 'correct horse battery staple' };

const platform = testPlatform('user-flows', {
  services: ['user'],
  env: { SUPERUSER_EMAIL: SUPER.email, SUPERUSER_PASSWORD: SUPER.password },
});
const { api } = platform;
beforeAll(() => platform.boot());
afterAll(() => platform.dispose());

const outbox = async (to: string) => (await api('GET', `/dev/outbox?to=${encodeURIComponent(to)}`)).body.messages;

async function member(email: string, country = 'SN') {
  const registered = await api('POST', '/api/v1/users/auth/register', {
    email,
    password: 'a long passphrase here',
    displayName: email.split('@')[0],
    originCountry: country,
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['fr'],
  });
  expect(registered.status).toBe(201);
  return registered.body as { user: { id: string }; accessToken: string; refreshToken: string };
}

describe('user service through the gateway (all-in-one)', () => {
  it('verifies email and phone with what /dev/outbox shows', async () => {
    const amina = await member('amina@example.com');
    const [mail] = await outbox('amina@example.com');
    const token = /code in the app: (\S+)/.exec(mail.text)![1];
    expect((await api('POST', '/api/v1/users/auth/verify-email', { token })).status).toBe(204);

    const phone = '+221771234567';
    expect((await api('POST', '/api/v1/users/auth/phone/start', { phone }, amina.accessToken)).status).toBe(202);
    const [sms] = await outbox(phone);
    const code = /(\d{6})/.exec(sms.text)![1];
    const verified = await api('POST', '/api/v1/users/auth/phone/verify', { phone, code }, amina.accessToken);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ emailVerified: true, phoneVerified: true, phone });
  });

  it('super → ambassador → consul, refused outside the country', async () => {
    // The super user is bootstrapped by a worker right after boot.
    let root = await api('POST', '/api/v1/users/auth/login', SUPER);
    for (let i = 0; i < 50 && root.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      root = await api('POST', '/api/v1/users/auth/login', SUPER);
    }
    expect(root.status).toBe(200);
    const ambassador = await member('kofi@example.com', 'GH');
    const consul = await member('ama@example.com', 'GH');
    const appointed = await api(
      'POST',
      '/api/v1/users/ambassadors',
      { userId: ambassador.user.id, country: 'GH' },
      root.body.accessToken,
    );
    expect(appointed.status).toBe(201);
    const refreshed = await api('POST', '/api/v1/users/auth/refresh', { refreshToken: ambassador.refreshToken });
    const token = refreshed.body.accessToken;
    const abroad = await api(
      'POST',
      '/api/v1/users/consuls',
      { userId: consul.user.id, country: 'NG', city: 'Lagos' },
      token,
    );
    expect(abroad.status).toBe(403);
    const named = await api(
      'POST',
      '/api/v1/users/consuls',
      { userId: consul.user.id, country: 'GH', city: 'Kumasi' },
      token,
    );
    expect(named.status).toBe(201);
    const roles = await api('GET', `/api/v1/users/${consul.user.id}`, undefined, token);
    expect(roles.body.roles).toEqual(['consul', 'regular']);
  });

  it('follows, connects and honours privacy; exports and erases', async () => {
    const a = await member('ade@example.com');
    const b = await member('bola@example.com');
    expect((await api('POST', `/api/v1/users/${b.user.id}/follow`, undefined, a.accessToken)).status).toBe(204);
    const asked = await api('POST', '/api/v1/users/connections', { userId: b.user.id }, a.accessToken);
    expect(asked.status).toBe(201);
    expect(
      (await api('POST', `/api/v1/users/connections/${asked.body.id}/accept`, undefined, b.accessToken)).status,
    ).toBe(200);
    await api(
      'PATCH',
      '/api/v1/users/profile',
      { privacy: { originCountry: 'private', residenceCity: 'connections' } },
      b.accessToken,
    );
    const stranger = await member('chidi@example.com');
    const seenByStranger = await api('GET', `/api/v1/users/${b.user.id}`, undefined, stranger.accessToken);
    expect(seenByStranger.body).not.toHaveProperty('originCountry');
    expect(seenByStranger.body).not.toHaveProperty('residenceCity');
    const seenByConnection = await api('GET', `/api/v1/users/${b.user.id}`, undefined, a.accessToken);
    expect(seenByConnection.body).toMatchObject({
      residenceCity: 'Paris',
      relationship: { following: true, connected: true },
    });

    const job = await api('POST', '/api/v1/users/me/export', undefined, a.accessToken);
    expect(job.status).toBe(202);
    let archive: Json;
    for (let i = 0; i < 100 && !archive; i++) {
      const polled = await api('GET', `/api/v1/users/me/export/${job.body.id}`, undefined, a.accessToken);
      if (polled.status === 200) archive = polled.body.archive;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(archive.services.user.connections).toEqual([expect.objectContaining({ userId: b.user.id })]);

    const erased = await api('DELETE', '/api/v1/users/me', { password: 'a long passphrase here' }, a.accessToken);
    expect(erased.status).toBe(204);
    expect((await api('GET', `/api/v1/users/${a.user.id}`, undefined, b.accessToken)).status).toBe(404);
  });
});
