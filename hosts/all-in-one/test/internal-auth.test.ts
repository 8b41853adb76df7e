import { createPrivateKey } from 'node:crypto';
import { createClient, generateServiceKeyPair, type ServiceDescriptor, ServiceIdentity } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPlatform } from './fixtures.js';

const UNAUTHENTICATED = 16;
const USERS: ServiceDescriptor<{ getUser(request: { userId: string }): Promise<unknown>; close(): void }, unknown> = {
  fullName: 'diaspora.user.v1.UserService',
  file: 'user/v1/user.proto',
  methods: ['getUser'],
};

// Issue 12 items 3 and 5 in all-in-one: services call each other with their own signed identities (keys under
// DATA_DIR), strangers are refused, and a revocation reaches the other services within seconds.
const platform = testPlatform('internal-auth', { services: ['user', 'event'] });
const { api } = platform;
beforeAll(() => platform.boot());
afterAll(() => platform.dispose());

const newcomer = (email: string) => ({
  email,
  password: 'a long passphrase here',
  displayName: 'Awa Diop',
  originCountry: 'SN',
  residenceCountry: 'FR',
  residenceCity: 'Lyon',
  languages: ['fr'],
});

describe('all-in-one: internal calls and revocation', () => {
  it('the event service calls the user service as itself; a logged-out token is refused there within 5 s', async () => {
    const registered = await api('POST', '/api/v1/users/auth/register', newcomer('awa.internal@example.com'));
    expect(registered.status).toBe(201);
    const { accessToken, refreshToken } = registered.body as { accessToken: string; refreshToken: string };
    // /upcoming asks the user service for the member's community over gRPC (signed as "event").
    expect((await api('GET', '/api/v1/events/upcoming', undefined, accessToken)).status).toBe(200);

    expect((await api('POST', '/api/v1/users/auth/logout', { refreshToken })).status).toBe(204);
    const deadline = Date.now() + 5000;
    let status = 200;
    while (status !== 401 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await api('GET', '/api/v1/events/upcoming', undefined, accessToken)).status;
    }
    expect(status).toBe(401);
  });

  it('refuses gRPC callers without a platform identity', async () => {
    const user = platform.services.find((service) => service.name === 'user')!;
    const anonymous = createClient(USERS, user.grpcAddress, {
      deadlineMs: 2000,
      identity: { name: 'anonymous', tokenFor: async () => '' },
    });
    // Claims to be the event service, with a key this installation never issued.
    const forged = new ServiceIdentity('event', createPrivateKey(generateServiceKeyPair().privateKeyPem));
    const outsider = createClient(USERS, user.grpcAddress, { deadlineMs: 2000, identity: forged });
    try {
      await expect(anonymous.getUser({ userId: 'usr_x' })).rejects.toMatchObject({ code: UNAUTHENTICATED });
      await expect(outsider.getUser({ userId: 'usr_x' })).rejects.toMatchObject({ code: UNAUTHENTICATED });
    } finally {
      anonymous.close();
      outsider.close();
    }
  });
});
