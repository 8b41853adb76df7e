import { defineService, type Service } from '@diaspora/service-kit';
import { startTestService, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, call, outboxEvents, register, startUserService, type UserTestService } from '../fixtures.js';

/** Any other service of the platform: it learns about revocations only from the bus, through the kit. */
const elsewhere = defineService({
  name: 'elsewhere',
  openapi: { title: 'Elsewhere', description: 'another service', version: '1.0.0' },
  config: {},
  migrations: [],
  async setup() {
    return {
      async routes(app) {
        app.get('/whoami', { onRequest: app.authenticate }, async (request) => ({ sub: request.auth!.sub }));
      },
    };
  },
});

let users: UserTestService;
let other: Service;
beforeAll(async () => {
  users = await startUserService();
  other = await startTestService(elsewhere, { env: { BUS_URL: users.config.BUS_URL } });
});
afterAll(async () => {
  await other?.close();
  await users?.close();
});

const elsewhereStatus = async (token: string) =>
  (await other.app.inject({ url: '/whoami', headers: bearer(token) })).statusCode;
const refusedElsewhere = (token: string, what: string) =>
  until(async () => (await elsewhereStatus(token)) === 401, { what, timeoutMs: 5000 });

const login = async (email: string, password: string) => {
  const response = await call(users.app, 'POST', '/auth/login', undefined, { email, password });
  expect(response.statusCode).toBe(200);
  return response.json() as { accessToken: string; refreshToken: string };
};

describe('revocation takes effect on every service within seconds', () => {
  it('logout: the access token of the ended session is refused on another service', async () => {
    const member = await register(users.app);
    expect(await elsewhereStatus(member.accessToken)).toBe(200);
    const logout = await call(users.app, 'POST', '/auth/logout', undefined, { refreshToken: member.refreshToken });
    expect(logout.statusCode).toBe(204);
    await refusedElsewhere(member.accessToken, 'the logged-out token refused elsewhere');
    expect((await call(users.app, 'GET', '/me', member.accessToken)).statusCode).toBe(401);
  });

  it('password change: the other sessions are refused, the one that changed it keeps working', async () => {
    const member = await register(users.app);
    const laptop = await login(member.user.email, member.password);
    const changed = await call(users.app, 'PUT', '/me/password', member.accessToken, {
      currentPassword: member.password,
      newPassword: 'another quite long passphrase',
    });
    expect(changed.statusCode).toBe(204);
    await refusedElsewhere(laptop.accessToken, 'the other session refused elsewhere');
    expect(await elsewhereStatus(member.accessToken)).toBe(200);
  });

  it('session deletion and refresh-token reuse end the session everywhere', async () => {
    const member = await register(users.app);
    const phone = await login(member.user.email, member.password);
    const sessions = (await call(users.app, 'GET', '/me/sessions', member.accessToken)).json().items as {
      id: string;
      current: boolean;
    }[];
    const phoneSession = sessions.find((session) => !session.current)!;
    expect((await call(users.app, 'DELETE', `/me/sessions/${phoneSession.id}`, member.accessToken)).statusCode).toBe(
      204,
    );
    await refusedElsewhere(phone.accessToken, 'the deleted session refused elsewhere');

    const tablet = await login(member.user.email, member.password);
    const rotated = await call(users.app, 'POST', '/auth/refresh', undefined, { refreshToken: tablet.refreshToken });
    expect(rotated.statusCode).toBe(200);
    const replay = await call(users.app, 'POST', '/auth/refresh', undefined, { refreshToken: tablet.refreshToken });
    expect(replay.statusCode).toBe(401);
    await refusedElsewhere(rotated.json().accessToken, 'the reused family refused elsewhere');
  });

  it('announces each sign-in as users.session.started', async () => {
    const member = await register(users.app);
    await login(member.user.email, member.password);
    const started = (await outboxEvents<{ userId: string; sessionId: string }>(users, 'users.session.started')).filter(
      (event) => event.userId === member.user.id,
    );
    expect(started).toHaveLength(2);
    expect(started[0]!.sessionId).toMatch(/^ses_/);
    expect(started[0]!.sessionId).not.toBe(started[1]!.sessionId);
  });
});
