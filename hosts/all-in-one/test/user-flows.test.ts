import { DiasporaClient } from '@diaspora/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, testPlatform } from './fixtures.js';

// The user service's flows through the gateway, as a client app sees them through the typed SDK in all-in-one mode:
// verification codes read from GET /dev/outbox, the super user from SUPERUSER_*, appointments, the graph, privacy
// and GDPR.
const SUPER = { email: 'admin@diaspora.test', password: 'correct horse battery staple' };

const platform = testPlatform('user-flows', {
  services: ['user'],
  env: { SUPERUSER_EMAIL: SUPER.email, SUPERUSER_PASSWORD: SUPER.password },
});
const { api } = platform;
beforeAll(() => platform.boot());
afterAll(() => platform.dispose());

const outbox = async (to: string) => (await api('GET', `/dev/outbox?to=${encodeURIComponent(to)}`)).body.messages;
const client = () => new DiasporaClient({ baseUrl: platform.gatewayUrl });

/** A registered member, signed in with the tokens the registration answered. */
async function member(email: string, country: 'SN' | 'GH' = 'SN') {
  const sdk = client();
  const user = await sdk.register({
    email,
    password: 'a long passphrase here',
    displayName: email.split('@')[0]!,
    originCountry: country,
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['fr'],
  });
  return { user, sdk, api: sdk.api };
}

describe('user service through the gateway (all-in-one)', () => {
  it('verifies email and phone with what /dev/outbox shows', async () => {
    const amina = await member('amina@example.com');
    const [mail] = await outbox('amina@example.com');
    const token = /code in the app: (\S+)/.exec(mail.text)![1]!;
    expect((await amina.api.POST('/api/v1/users/auth/verify-email', { body: { token } })).response.status).toBe(204);

    const phone = '+221771234567';
    expect((await amina.api.POST('/api/v1/users/auth/phone/start', { body: { phone } })).response.status).toBe(202);
    const [sms] = await outbox(phone);
    const code = /(\d{6})/.exec(sms.text)![1]!;
    const verified = await amina.api.POST('/api/v1/users/auth/phone/verify', { body: { phone, code } });
    expect(verified.response.status).toBe(200);
    expect(verified.data).toMatchObject({ emailVerified: true, phoneVerified: true, phone });
  });

  it('super → ambassador → consul, refused outside the country', async () => {
    // The super user is bootstrapped by a worker right after boot.
    const root = client();
    let signedIn = false;
    for (let i = 0; i < 50 && !signedIn; i++) {
      signedIn = await root.login(SUPER.email, SUPER.password).then(
        () => true,
        () => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100)),
      );
    }
    expect(signedIn).toBe(true);
    const ambassador = await member('kofi@example.com', 'GH');
    const consul = await member('ama@example.com', 'GH');
    const appointed = await root.api.POST('/api/v1/users/ambassadors', {
      body: { userId: ambassador.user.id, country: 'GH' },
    });
    expect(appointed.response.status).toBe(201);
    // The new role reaches the token at the next refresh.
    expect(await ambassador.sdk.refresh()).toBe(true);
    const abroad = await ambassador.api.POST('/api/v1/users/consuls', {
      body: { userId: consul.user.id, country: 'NG', city: 'Lagos' },
    });
    expect(abroad.response.status).toBe(403);
    const named = await ambassador.api.POST('/api/v1/users/consuls', {
      body: { userId: consul.user.id, country: 'GH', city: 'Kumasi' },
    });
    expect(named.response.status).toBe(201);
    const roles = await ambassador.api.GET('/api/v1/users/{userId}', { params: { path: { userId: consul.user.id } } });
    expect((roles.data as Json).roles).toEqual(['consul', 'regular']);
  });

  it('follows, connects and honours privacy; exports and erases', async () => {
    const a = await member('ade@example.com');
    const b = await member('bola@example.com');
    const other = (userId: string) => ({ params: { path: { userId } } });
    expect((await a.api.POST('/api/v1/users/{userId}/follow', other(b.user.id))).response.status).toBe(204);
    const asked = await a.api.POST('/api/v1/users/connections', { body: { userId: b.user.id } });
    expect(asked.response.status).toBe(201);
    const accepted = await b.api.POST('/api/v1/users/connections/{requestId}/accept', {
      params: { path: { requestId: asked.data!.id } },
    });
    expect(accepted.response.status).toBe(200);
    await b.api.PATCH('/api/v1/users/profile', {
      body: { privacy: { originCountry: 'private', residenceCity: 'connections' } },
    });
    const stranger = await member('chidi@example.com');
    const seenByStranger = await stranger.api.GET('/api/v1/users/{userId}', other(b.user.id));
    expect(seenByStranger.data).not.toHaveProperty('originCountry');
    expect(seenByStranger.data).not.toHaveProperty('residenceCity');
    const seenByConnection = await a.api.GET('/api/v1/users/{userId}', other(b.user.id));
    expect(seenByConnection.data).toMatchObject({
      residenceCity: 'Paris',
      relationship: { following: true, connected: true },
    });

    const job = await a.api.POST('/api/v1/users/me/export');
    expect(job.response.status).toBe(202);
    let archive: Json;
    for (let i = 0; i < 100 && !archive; i++) {
      const polled = await a.api.GET('/api/v1/users/me/export/{exportId}', {
        params: { path: { exportId: job.data!.id } },
      });
      if (polled.response.status === 200) archive = (polled.data as Json).archive;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(archive.services.user.connections).toEqual([expect.objectContaining({ userId: b.user.id })]);

    const erased = await a.api.DELETE('/api/v1/users/me', { body: { password: 'a long passphrase here' } });
    expect(erased.response.status).toBe(204);
    expect((await b.api.GET('/api/v1/users/{userId}', other(a.user.id))).response.status).toBe(404);
  });
});
