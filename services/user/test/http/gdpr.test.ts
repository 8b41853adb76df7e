import { commonV1, implement } from '@diaspora/proto';
import { createLogger, GrpcServer } from '@diaspora/service-kit';
import { freePort } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  connect,
  outboxEvents,
  register,
  type Session,
  startUserService,
  type UserTestService,
} from '../fixtures.js';

let service: UserTestService;
let eventPeer: GrpcServer;
let silentPeer: GrpcServer;
const asked: string[] = [];

beforeAll(async () => {
  const logger = createLogger({ service: 'peer', level: 'silent' });
  // A peer that implements UserData, and one that is up but does not (UNIMPLEMENTED); a third address is dead.
  eventPeer = new GrpcServer([
    implement(
      commonV1.UserData,
      {
        async exportUserData({ userId }) {
          asked.push(userId);
          return { service: 'event', json: JSON.stringify({ registrations: [{ eventId: 'evt_1', userId }] }) };
        },
      },
      logger,
    ),
  ]);
  silentPeer = new GrpcServer([]);
  const [eventPort, silentPort, deadPort] = [
    await eventPeer.listen('127.0.0.1', 0),
    await silentPeer.listen('127.0.0.1', 0),
    await freePort(),
  ];
  service = await startUserService({
    env: {
      USER_DATA_EXPORT_PEERS: `event=127.0.0.1:${eventPort},content=127.0.0.1:${silentPort},messaging=127.0.0.1:${deadPort}`,
      EXPORT_PEER_DEADLINE_MS: '1000',
      EXPORT_POLL_MS: '100',
    },
  });
});
afterAll(async () => {
  await service?.close();
  await eventPeer?.stop(100);
  await silentPeer?.stop(100);
});

async function readyExport(session: Session, id: string) {
  for (let i = 0; i < 200; i++) {
    const response = await call(service.app, 'GET', `/me/export/${id}`, session.accessToken);
    if (response.statusCode !== 202) return response;
    expect(response.headers['retry-after']).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('export never finished');
}

describe('POST /me/export → GET /me/export/{id}', () => {
  it('assembles this service’s data and every peer’s part; peers that cannot answer are recorded as absent', async () => {
    const [member, friend] = [await register(service.app), await register(service.app)];
    await connect(service.app, member, friend);
    await call(service.app, 'POST', `/${friend.user.id}/follow`, member.accessToken);

    const requested = await call(service.app, 'POST', '/me/export', member.accessToken);
    expect(requested.statusCode).toBe(202);
    expect(requested.json()).toMatchObject({ status: 'pending' });
    expect(requested.headers.location).toBe(`/api/v1/users/me/export/${requested.json().id}`);

    const ready = await readyExport(member, requested.json().id);
    expect(ready.statusCode).toBe(200);
    const { status, archive } = ready.json();
    expect(status).toBe('ready');
    expect(archive).toMatchObject({ format: 'diaspora-export/1', userId: member.user.id });
    expect(archive.services.user.profile).toMatchObject({ id: member.user.id, email: member.user.email });
    expect(archive.services.user.profile).toMatchObject({ timeZone: 'UTC', privacy: { findableByEmail: true } });
    expect(archive.services.user.account).toEqual({ status: 'active' });
    expect(archive.services.user.connections).toEqual([expect.objectContaining({ userId: friend.user.id })]);
    expect(archive.services.user.following).toEqual([expect.objectContaining({ userId: friend.user.id })]);
    expect(archive.services.event).toEqual({ registrations: [{ eventId: 'evt_1', userId: member.user.id }] });
    expect(archive.absent).toEqual([
      { service: 'content', reason: 'unimplemented' },
      { service: 'messaging', reason: 'unavailable' },
    ]);
    expect(archive.sources).toEqual({
      content: 'unimplemented',
      event: 'included',
      messaging: 'unavailable',
      user: 'included',
    });
    expect(asked).toContain(member.user.id);
  });

  it('keeps exports private: another member’s export is not found; malformed ids are 400', async () => {
    const [owner, other] = [await register(service.app), await register(service.app)];
    const { id } = (await call(service.app, 'POST', '/me/export', owner.accessToken)).json();
    expect((await call(service.app, 'GET', `/me/export/${id}`, other.accessToken)).statusCode).toBe(404);
    expect(
      (await call(service.app, 'GET', '/me/export/exp_00000000000000000000000000', owner.accessToken)).statusCode,
    ).toBe(404);
    expect((await call(service.app, 'GET', '/me/export/nope', owner.accessToken)).statusCode).toBe(400);
    expect((await call(service.app, 'POST', '/me/export')).statusCode).toBe(401);
  });
});

describe('DELETE /me', () => {
  it('anonymizes the account, removes its graph and sessions, and publishes users.user.deleted', async () => {
    const [member, friend] = [await register(service.app), await register(service.app)];
    await connect(service.app, member, friend);
    await call(service.app, 'POST', `/${member.user.id}/follow`, friend.accessToken);

    const erased = await service.app.inject({
      method: 'DELETE',
      url: '/api/v1/users/me',
      headers: { authorization: `Bearer ${member.accessToken}` },
      payload: { password: member.password },
    });
    expect(erased.statusCode).toBe(204);

    const { rows } = await service.context.db.query(
      'SELECT email, display_name, bio, password_hash, deleted_at FROM users WHERE id = $1',
      [member.user.id],
    );
    expect(rows[0]).toMatchObject({ display_name: 'Erased member', bio: null, password_hash: null });
    expect(rows[0]!.email).not.toBe(member.user.email);
    expect(rows[0]!.deleted_at).toBeInstanceOf(Date);
    for (const table of ['follows', 'connections', 'refresh_tokens']) {
      const column = table === 'follows' ? 'followee_id' : 'user_id';
      const left = await service.context.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [
        member.user.id,
      ]);
      expect(left.rows[0]!.n, table).toBe(0);
    }
    const deleted = await outboxEvents<{ userId: string }>(service, 'users.user.deleted');
    expect(deleted.map((event) => event.userId)).toContain(member.user.id);

    expect(
      (
        await call(service.app, 'POST', '/auth/login', undefined, {
          email: member.user.email,
          password: member.password,
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (await call(service.app, 'POST', '/auth/refresh', undefined, { refreshToken: member.refreshToken })).statusCode,
    ).toBe(401);
    expect((await call(service.app, 'GET', `/${member.user.id}`, friend.accessToken)).statusCode).toBe(404);
    expect((await call(service.app, 'GET', '/connections', friend.accessToken)).json().items).toEqual([]);
    // The address is free again.
    expect(
      (
        await call(service.app, 'POST', '/auth/register', undefined, {
          ...registrationOf(member),
          email: member.user.email,
        })
      ).statusCode,
    ).toBe(201);
  });

  it('requires the password of an account that has one (400 missing, 403 wrong) and changes nothing then', async () => {
    const member = await register(service.app);
    const missing = await call(service.app, 'DELETE', '/me', member.accessToken);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toBe('password');
    const wrong = await service.app.inject({
      method: 'DELETE',
      url: '/api/v1/users/me',
      headers: { authorization: `Bearer ${member.accessToken}` },
      payload: { password: 'not the password' },
    });
    expect(wrong.statusCode).toBe(403);
    expect((await call(service.app, 'GET', '/profile', member.accessToken)).statusCode).toBe(200);
  });

  it('needs no password for an account created through a provider', async () => {
    const member = await register(service.app);
    await service.context.db.query('UPDATE users SET password_hash = NULL WHERE id = $1', [member.user.id]);
    expect((await call(service.app, 'DELETE', '/me', member.accessToken)).statusCode).toBe(204);
    expect((await call(service.app, 'GET', '/profile', member.accessToken)).statusCode).toBe(404);
  });

  it('withdraws appointments with users.role.revoked', async () => {
    const member = await register(service.app);
    await service.context.db.query(
      "INSERT INTO role_assignments (id, user_id, role, country, appointed_by) VALUES ('rol_test_erasure', $1, 'ambassador', 'SN', 'system')",
      [member.user.id],
    );
    await service.app.inject({
      method: 'DELETE',
      url: '/api/v1/users/me',
      headers: { authorization: `Bearer ${member.accessToken}` },
      payload: { password: member.password },
    });
    const revoked = await outboxEvents<{ userId: string; role: string }>(service, 'users.role.revoked');
    expect(revoked).toContainEqual(expect.objectContaining({ userId: member.user.id, role: 'ambassador' }));
  });
});

function registrationOf(member: Session & { password: string }) {
  return {
    password: member.password,
    displayName: 'Back Again',
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['fr'],
  };
}
