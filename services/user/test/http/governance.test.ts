import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, outboxEvents, register, type Session, startUserService, type UserTestService } from '../fixtures.js';

const SUPER = { email: 'admin@diaspora.test', password: 'correct horse battery staple' };
let service: UserTestService;
let superSession: Session;

async function ready(target: UserTestService) {
  for (let i = 0; i < 200; i++) {
    if ((await target.app.inject({ url: '/health/ready' })).statusCode === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('never ready');
}
const login = async (target: UserTestService, email: string, password: string) => {
  const response = await call(target.app, 'POST', '/auth/login', undefined, { email, password });
  expect(response.statusCode).toBe(200);
  return response.json() as Session;
};
const claims = (token: string) => decodeJwt(token) as Record<string, unknown>;
const refresh = async (session: Session) => {
  const response = await call(service.app, 'POST', '/auth/refresh', undefined, { refreshToken: session.refreshToken });
  expect(response.statusCode).toBe(200);
  return response.json() as Session;
};

beforeAll(async () => {
  service = await startUserService({ env: { SUPERUSER_EMAIL: SUPER.email, SUPERUSER_PASSWORD: SUPER.password } });
  await ready(service);
  superSession = await login(service, SUPER.email, SUPER.password);
});
afterAll(() => service?.close());

describe('super user bootstrap', () => {
  it('creates a verified super user once; restarting on the same database changes nothing', async () => {
    expect(claims(superSession.accessToken)).toMatchObject({ roles: ['super', 'regular'], email_verified: true });
    const databaseUrl = service.config.DATABASE_URL;
    const again = await startUserService({
      env: { DATABASE_URL: databaseUrl, SUPERUSER_EMAIL: SUPER.email, SUPERUSER_PASSWORD: 'another long passphrase' },
    });
    try {
      await ready(again);
      const { rows } = await again.context.db.query(
        "SELECT count(*)::int AS users, (SELECT count(*)::int FROM role_assignments WHERE role = 'super') AS supers FROM users WHERE email = $1",
        [SUPER.email],
      );
      expect(rows[0]).toEqual({ users: 1, supers: 1 });
      // The existing account keeps its password.
      await login(again, SUPER.email, SUPER.password);
    } finally {
      await again.close();
    }
    const appointed = (await outboxEvents<{ role: string; byUserId: string }>(service, 'users.role.appointed')).filter(
      (event) => event.role === 'super',
    );
    expect(appointed).toEqual([expect.objectContaining({ byUserId: 'system' })]);
  });

  it('promotes an existing member with that email instead of creating a second account', async () => {
    const member = await register(service.app, { email: 'founder@diaspora.test' });
    const promoted = await startUserService({
      env: {
        DATABASE_URL: service.config.DATABASE_URL,
        SUPERUSER_EMAIL: 'founder@diaspora.test',
        SUPERUSER_PASSWORD: 'correct horse battery staple',
      },
    });
    try {
      await ready(promoted);
      const session = await login(promoted, 'founder@diaspora.test', member.password);
      expect(claims(session.accessToken).roles).toEqual(['super', 'regular']);
    } finally {
      await promoted.close();
    }
  });

  it('stops boot with a clear message for a half or weak configuration', async () => {
    await expect(startUserService({ env: { SUPERUSER_EMAIL: 'x@diaspora.test' } })).rejects.toThrow(
      /SUPERUSER_PASSWORD: is required/,
    );
    await expect(
      startUserService({ env: { SUPERUSER_EMAIL: 'x@diaspora.test', SUPERUSER_PASSWORD: 'password123' } }),
    ).rejects.toThrow(/SUPERUSER_PASSWORD: is too common/);
  });
});

describe('super → ambassador → consul', () => {
  it('appoints down the hierarchy; tokens carry roles and scope from the next refresh; everything is audited', async () => {
    const ambassador = await register(service.app, { residenceCountry: 'FR', residenceCity: 'Lyon' });
    const consul = await register(service.app, { residenceCountry: 'SN', residenceCity: 'Thiès' });

    const appointed = await call(service.app, 'POST', '/ambassadors', superSession.accessToken, {
      userId: ambassador.user.id,
      country: 'SN',
    });
    expect(appointed.statusCode).toBe(201);
    expect(appointed.json()).toMatchObject({
      userId: ambassador.user.id,
      role: 'ambassador',
      country: 'SN',
      appointedBy: superSession.user.id,
    });

    // The old access token still says what it said; the refreshed one carries the appointment.
    expect(claims(ambassador.accessToken)).toMatchObject({ roles: ['regular'], country: 'FR', city: 'Lyon' });
    const asAmbassador = await refresh(ambassador);
    expect(claims(asAmbassador.accessToken)).toMatchObject({ roles: ['ambassador', 'regular'], country: 'SN' });
    expect(claims(asAmbassador.accessToken)).not.toHaveProperty('city');

    const named = await call(service.app, 'POST', '/consuls', asAmbassador.accessToken, {
      userId: consul.user.id,
      country: 'SN',
      city: '  Saint-Louis ',
    });
    expect(named.statusCode).toBe(201);
    expect(named.json()).toMatchObject({
      role: 'consul',
      country: 'SN',
      city: 'Saint-Louis',
      appointedBy: ambassador.user.id,
    });
    const asConsul = await refresh(consul);
    expect(claims(asConsul.accessToken)).toMatchObject({
      roles: ['consul', 'regular'],
      country: 'SN',
      city: 'Saint-Louis',
    });

    const listed = await call(service.app, 'GET', '/consuls?country=SN', consul.accessToken);
    expect(listed.json().items).toEqual([
      expect.objectContaining({ userId: consul.user.id, user: expect.objectContaining({ id: consul.user.id }) }),
    ]);
    expect((await call(service.app, 'GET', '/ambassadors?country=SN', consul.accessToken)).json().items).toHaveLength(
      1,
    );

    const { rows: audit } = await service.context.db.query(
      'SELECT action, role, country, city, actor_id FROM role_audit WHERE user_id = ANY($1) ORDER BY at',
      [[ambassador.user.id, consul.user.id]],
    );
    expect(audit).toEqual([
      { action: 'appointed', role: 'ambassador', country: 'SN', city: null, actor_id: superSession.user.id },
      { action: 'appointed', role: 'consul', country: 'SN', city: 'Saint-Louis', actor_id: ambassador.user.id },
    ]);
    const events = await outboxEvents<{
      userId: string;
      role: string;
      country?: string;
      city?: string;
      byUserId: string;
    }>(service, 'users.role.appointed');
    expect(events).toContainEqual(
      expect.objectContaining({
        userId: consul.user.id,
        role: 'consul',
        country: 'SN',
        city: 'Saint-Louis',
        byUserId: ambassador.user.id,
      }),
    );

    // Revoked: the role is gone from the store at once and from the token at the next refresh.
    expect((await call(service.app, 'DELETE', `/consuls/${consul.user.id}`, asAmbassador.accessToken)).statusCode).toBe(
      204,
    );
    const afterRevoke = await refresh(asConsul);
    expect(claims(afterRevoke.accessToken)).toMatchObject({ roles: ['regular'], country: 'SN', city: 'Thiès' });
    expect((await outboxEvents<{ userId: string }>(service, 'users.role.revoked')).map((e) => e.userId)).toContain(
      consul.user.id,
    );
    expect((await call(service.app, 'DELETE', `/consuls/${consul.user.id}`, asAmbassador.accessToken)).statusCode).toBe(
      404,
    );
  });

  it('refuses an ambassador outside their country (403), and a revoked ambassador even with an unexpired token', async () => {
    const ambassador = await register(service.app);
    const member = await register(service.app);
    await call(service.app, 'POST', '/ambassadors', superSession.accessToken, {
      userId: ambassador.user.id,
      country: 'GH',
    });
    const token = (await refresh(ambassador)).accessToken;
    const abroad = await call(service.app, 'POST', '/consuls', token, {
      userId: member.user.id,
      country: 'NG',
      city: 'Lagos',
    });
    expect(abroad.statusCode).toBe(403);
    expect(abroad.json().detail).toMatch(/GH/);

    const other = await register(service.app);
    await call(service.app, 'POST', '/consuls', superSession.accessToken, {
      userId: other.user.id,
      country: 'NG',
      city: 'Abuja',
    });
    expect((await call(service.app, 'DELETE', `/consuls/${other.user.id}`, token)).statusCode).toBe(403);

    expect(
      (await call(service.app, 'DELETE', `/ambassadors/${ambassador.user.id}`, superSession.accessToken)).statusCode,
    ).toBe(204);
    const late = await call(service.app, 'POST', '/consuls', token, {
      userId: member.user.id,
      country: 'GH',
      city: 'Accra',
    });
    expect(late.statusCode).toBe(403);
  });

  it('only super users appoint or revoke ambassadors; regular members appoint nobody', async () => {
    const [a, b] = [await register(service.app), await register(service.app)];
    expect(
      (await call(service.app, 'POST', '/ambassadors', a.accessToken, { userId: b.user.id, country: 'SN' })).statusCode,
    ).toBe(403);
    expect(
      (await call(service.app, 'POST', '/consuls', a.accessToken, { userId: b.user.id, country: 'SN', city: 'Dakar' }))
        .statusCode,
    ).toBe(403);
    expect((await call(service.app, 'DELETE', `/ambassadors/${b.user.id}`, a.accessToken)).statusCode).toBe(403);
  });

  it('answers 404 for a non-existent member, 400 for bad input, 409 for a second appointment', async () => {
    const member = await register(service.app);
    const unknown = await call(service.app, 'POST', '/ambassadors', superSession.accessToken, {
      userId: 'usr_00000000000000000000000000',
      country: 'SN',
    });
    expect(unknown.statusCode).toBe(404);
    for (const [body, field] of [
      [{ userId: member.user.id, country: 'XX' }, 'country'],
      [{ userId: 'nope', country: 'SN' }, 'userId'],
      [{ userId: member.user.id }, 'country'],
    ] as const) {
      const response = await call(service.app, 'POST', '/ambassadors', superSession.accessToken, body);
      expect(response.statusCode).toBe(400);
      expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const blankCity = await call(service.app, 'POST', '/consuls', superSession.accessToken, {
      userId: member.user.id,
      country: 'SN',
      city: '   ',
    });
    expect(blankCity.statusCode).toBe(400);
    expect(
      (
        await call(service.app, 'POST', '/ambassadors', superSession.accessToken, {
          userId: member.user.id,
          country: 'SN',
        })
      ).statusCode,
    ).toBe(201);
    const twice = await call(service.app, 'POST', '/ambassadors', superSession.accessToken, {
      userId: member.user.id,
      country: 'CM',
    });
    expect(twice.statusCode).toBe(409);
    const asConsulToo = await call(service.app, 'POST', '/consuls', superSession.accessToken, {
      userId: member.user.id,
      country: 'SN',
      city: 'Dakar',
    });
    expect(asConsulToo.statusCode).toBe(409);
    expect(
      (await call(service.app, 'DELETE', `/ambassadors/usr_00000000000000000000000000`, superSession.accessToken))
        .statusCode,
    ).toBe(404);
  });
});
