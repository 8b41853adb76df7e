import { createClient, userV1 } from '@diaspora/proto';
import { createLogger, createUnitOfWork } from '@diaspora/service-kit';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuspensionService } from '../../src/domain/suspension.js';
import { userStores } from '../../src/store/stores.js';
import { call, outboxEvents, register, type Session, startUserService, type UserTestService } from '../fixtures.js';

const SUPER = { email: 'admin@diaspora.test', password: 'correct horse battery staple' };
let service: UserTestService;
let client: userV1.UserServiceClient;
let admin: Session;
let ambassador: Session;
let consul: Session;
let parisian: Session & { password: string };
let lyonnais: Session;
let dakarois: Session;

const login = (email: string, password: string) =>
  call(service.app, 'POST', '/auth/login', undefined, { email, password });
const refresh = (session: Session) =>
  call(service.app, 'POST', '/auth/refresh', undefined, { refreshToken: session.refreshToken });

beforeAll(async () => {
  service = await startUserService({
    listen: true,
    env: { SUPERUSER_EMAIL: SUPER.email, SUPERUSER_PASSWORD: SUPER.password },
  });
  client = createClient(userV1.UserService, service.addresses!.grpcAddress, { deadlineMs: 5000 });
  for (let i = 0; i < 200 && (await service.app.inject({ url: '/health/ready' })).statusCode !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  admin = (await login(SUPER.email, SUPER.password)).json();
  ambassador = await register(service.app, { displayName: 'Awa Ambassador', residenceCity: 'Marseille' });
  consul = await register(service.app, { displayName: 'Cheikh Consul', residenceCity: 'Lyon' });
  parisian = await register(service.app, { displayName: 'Fatou Diop', residenceCity: 'Paris' });
  lyonnais = await register(service.app, { displayName: 'Moussa Fall', residenceCity: 'lyon' });
  dakarois = await register(service.app, {
    displayName: 'Fatima Ndiaye',
    residenceCountry: 'SN',
    residenceCity: 'Dakar',
  });
  const appointed = await call(service.app, 'POST', '/ambassadors', admin.accessToken, {
    userId: ambassador.user.id,
    country: 'FR',
  });
  expect(appointed.statusCode).toBe(201);
  const named = await call(service.app, 'POST', '/consuls', ambassador.accessToken, {
    userId: consul.user.id,
    country: 'FR',
    city: 'Lyon',
  });
  expect(named.statusCode).toBe(201);
});
afterAll(async () => {
  client?.close();
  await service?.close();
});

const search = (actor: Session, request: Partial<userV1.SearchMembersRequest> = {}) =>
  client.searchMembers({ actorId: actor.user.id, ...request });
const idsOf = (response: userV1.SearchMembersResponse) => response.members.map((member) => member.id);
const suspend = (actor: Session, target: Session, request: Partial<userV1.SetSuspensionRequest> = {}) =>
  client.setSuspension({ actorId: actor.user.id, userId: target.user.id, suspended: true, reason: 'spam', ...request });
const reinstate = (actor: Session, target: Session) =>
  client.setSuspension({ actorId: actor.user.id, userId: target.user.id, suspended: false });

describe('SearchMembers', () => {
  it('covers everyone for a super user, the country for an ambassador, the city for a consul', async () => {
    const all = idsOf(await search(admin, { pageSize: 100 }));
    expect(all).toEqual(expect.arrayContaining([parisian.user.id, lyonnais.user.id, dakarois.user.id]));
    const country = idsOf(await search(ambassador, { pageSize: 100 }));
    expect(country).toEqual(expect.arrayContaining([parisian.user.id, lyonnais.user.id, consul.user.id]));
    expect(country).not.toContain(dakarois.user.id);
    expect((await search(consul, { pageSize: 100 })).members.map((m) => m.residenceCity.toLowerCase())).toEqual(
      expect.arrayContaining(['lyon']),
    );
    expect(idsOf(await search(consul, { pageSize: 100 })).sort()).toEqual([consul.user.id, lyonnais.user.id].sort());
  });

  it('refuses members without an admin role', async () => {
    await expect(search(parisian)).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    await expect(client.searchMembers({ actorId: '' })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });

  it('matches name word prefixes; an email only for super users, who alone see emails', async () => {
    expect(idsOf(await search(admin, { query: 'fat' })).sort()).toEqual([parisian.user.id, dakarois.user.id].sort());
    expect(idsOf(await search(admin, { query: 'fatou d' }))).toEqual([parisian.user.id]);
    expect(idsOf(await search(admin, { query: 'atou' }))).toEqual([]);
    expect(idsOf(await search(admin, { query: 'fat%' }))).toEqual([]);
    const byEmail = await search(admin, { query: parisian.user.email.toUpperCase() });
    expect(byEmail.members).toEqual([expect.objectContaining({ id: parisian.user.id, email: parisian.user.email })]);
    expect(idsOf(await search(ambassador, { query: parisian.user.email }))).toEqual([]);
    const [seen] = (await search(ambassador, { query: 'fatou' })).members;
    expect(seen).toMatchObject({ id: parisian.user.id, residenceCountry: 'FR', status: 'active', tier: 'free' });
    expect(seen?.email).toBeUndefined();
  });

  it('filters by community, role and status, with scopes on assignments', async () => {
    expect(idsOf(await search(admin, { residenceCountry: 'SN' }))).toEqual([dakarois.user.id]);
    expect(idsOf(await search(admin, { residenceCity: 'LYON' })).sort()).toEqual(
      [consul.user.id, lyonnais.user.id].sort(),
    );
    const [found] = (await search(admin, { role: 'consul' })).members;
    expect(found).toMatchObject({ id: consul.user.id, roles: ['consul', 'regular'] });
    expect(found?.assignments).toContainEqual({ role: 'consul', country: 'FR', city: 'Lyon' });
    expect(idsOf(await search(ambassador, { residenceCountry: 'SN' }))).toEqual([]);
    for (const request of [{ role: 'king' }, { status: 'banned' }, { residenceCountry: 'fr' }, { pageSize: 101 }]) {
      await expect(search(admin, request), JSON.stringify(request)).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
      });
    }
  });

  it('pages newest first with a token bound to the actor and the filters', async () => {
    const all = idsOf(await search(ambassador, { pageSize: 100 }));
    expect(all).toEqual([...all].sort().reverse());
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await search(ambassador, { pageSize: 2, pageToken });
      seen.push(...idsOf(page));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(all);
    const first = await search(ambassador, { pageSize: 1 });
    await expect(search(admin, { pageSize: 1, pageToken: first.nextPageToken })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
  });
});

describe('SetSuspension', () => {
  it('suspends: login and refresh answer 403 account-suspended, sessions end, the event is published', async () => {
    const member = await register(service.app, { displayName: 'Ibrahima Sow' });
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const { member: suspended } = await suspend(admin, member, { reason: '  repeated spam ', until });
    expect(suspended).toMatchObject({ id: member.user.id, status: 'suspended', suspensionReason: 'repeated spam' });
    expect(suspended?.suspendedUntil).toBe(until);

    const refused = await login(member.user.email, member.password);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({
      type: expect.stringMatching(/\/account-suspended$/),
      suspendedUntil: until,
    });
    const refreshed = await refresh(member);
    expect(refreshed.statusCode).toBe(403);
    expect(refreshed.json().type).toMatch(/\/account-suspended$/);
    // A wrong password still gets the ordinary 401: suspension is only told to whoever proves the account.
    expect((await login(member.user.email, 'not the password at all')).statusCode).toBe(401);
    const { rows } = await service.context.db.query(
      'SELECT count(*)::int AS live FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL',
      [member.user.id],
    );
    expect(rows[0]!.live).toBe(0);
    expect((await client.getContactInfo({ userId: member.user.id })).status).toBe('suspended');
    expect(idsOf(await search(admin, { status: 'suspended' }))).toContain(member.user.id);

    const events = await outboxEvents<Record<string, unknown>>(service, 'users.user.suspended');
    expect(events.filter((event) => event.userId === member.user.id)).toEqual([
      { userId: member.user.id, reason: 'repeated spam', until, byUserId: admin.user.id, at: expect.any(String) },
    ]);
  });

  it('reinstates: login works again and users.user.reinstated is published once', async () => {
    const member = await register(service.app, { residenceCity: 'Lyon' });
    await suspend(consul, member);
    expect((await login(member.user.email, member.password)).statusCode).toBe(403);
    const { member: back } = await reinstate(consul, member);
    expect(back).toMatchObject({ status: 'active' });
    expect(back?.suspensionReason).toBeUndefined();
    expect((await login(member.user.email, member.password)).statusCode).toBe(200);
    await reinstate(consul, member); // not suspended any more: nothing to publish
    const events = await outboxEvents<Record<string, unknown>>(service, 'users.user.reinstated');
    expect(events.filter((event) => event.userId === member.user.id)).toEqual([
      { userId: member.user.id, byUserId: consul.user.id, at: expect.any(String) },
    ]);
  });

  it('refuses suspending oneself or a super user with FAILED_PRECONDITION', async () => {
    await expect(suspend(admin, admin)).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    await expect(suspend(ambassador, ambassador)).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    const otherAdmin = await register(service.app);
    await service.context.db.query(
      "INSERT INTO role_assignments (id, user_id, role, appointed_by) VALUES ('rol_00000000000000000000000001', $1, 'super', 'system')",
      [otherAdmin.user.id],
    );
    await service.context.db.query("UPDATE users SET roles = '{super,regular}' WHERE id = $1", [otherAdmin.user.id]);
    await expect(suspend(admin, otherAdmin)).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
  });

  it('limits ambassadors to their country and consuls to their city, below their own rank', async () => {
    await expect(suspend(ambassador, dakarois)).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    await expect(suspend(consul, parisian)).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    await expect(suspend(consul, ambassador)).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    await expect(suspend(parisian, lyonnais)).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    const { member } = await suspend(ambassador, consul);
    expect(member).toMatchObject({ status: 'suspended' });
    expect(member?.email).toBeUndefined();
    // A suspended consul no longer acts as one.
    await expect(suspend(consul, lyonnais)).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    await reinstate(ambassador, consul);
  });

  it('validates the reason, the end and the ids', async () => {
    const cases: Partial<userV1.SetSuspensionRequest>[] = [
      { reason: '   ' },
      { reason: 'x'.repeat(1001) },
      { until: 'tomorrow' },
      { until: new Date(Date.now() - 60_000).toISOString() },
    ];
    for (const request of cases) {
      await expect(suspend(admin, parisian, request), JSON.stringify(request).slice(0, 60)).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
      });
    }
    await expect(
      client.setSuspension({
        actorId: admin.user.id,
        userId: 'usr_00000000000000000000000000',
        suspended: true,
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    expect((await login(parisian.user.email, parisian.password)).statusCode).toBe(200);
  });

  it('the chore lifts suspensions whose end passed (controlled clock) and publishes the reinstatement', async () => {
    const [soon, later] = [await register(service.app), await register(service.app)];
    await suspend(admin, soon, { until: new Date(Date.now() + 3_600_000).toISOString() });
    await suspend(admin, later, { until: new Date(Date.now() + 3 * 3_600_000).toISOString() });
    const chore = new SuspensionService(
      createUnitOfWork(service.context.db, service.context.outbox, userStores),
      createLogger({ service: 'test', level: 'silent' }),
    );
    expect(await chore.liftExpired(new Date(Date.now() + 2 * 3_600_000))).toBe(1);
    expect((await login(soon.user.email, soon.password)).statusCode).toBe(200);
    expect((await login(later.user.email, later.password)).statusCode).toBe(403);
    const events = await outboxEvents<Record<string, unknown>>(service, 'users.user.reinstated');
    expect(events.filter((event) => event.userId === soon.user.id)).toEqual([
      { userId: soon.user.id, byUserId: 'system', at: expect.any(String) },
    ]);
    expect(await chore.liftExpired(new Date(Date.now() + 2 * 3_600_000))).toBe(0);
  });
});

describe('ListRoleAudit', () => {
  it('lists appointments and revocations newest first, everyone’s or one member’s, paged', async () => {
    const everyone = await client.listRoleAudit({ pageSize: 100 });
    const actions = everyone.entries.map((entry) => [entry.action, entry.role, entry.userId]);
    expect(actions.slice(0, 3)).toEqual([
      ['appointed', 'consul', consul.user.id],
      ['appointed', 'ambassador', ambassador.user.id],
      ['appointed', 'super', admin.user.id],
    ]);
    expect(everyone.entries[0]).toMatchObject({ actorId: ambassador.user.id, country: 'FR', city: 'Lyon' });
    expect(Date.parse(everyone.entries[0]!.at)).not.toBeNaN();

    const revoked = await call(service.app, 'DELETE', `/consuls/${consul.user.id}`, ambassador.accessToken);
    expect(revoked.statusCode).toBe(204);
    const own = await client.listRoleAudit({ userId: consul.user.id });
    expect(own.entries.map((entry) => entry.action)).toEqual(['revoked', 'appointed']);

    const first = await client.listRoleAudit({ pageSize: 1 });
    expect(first.entries).toHaveLength(1);
    const second = await client.listRoleAudit({ pageSize: 1, pageToken: first.nextPageToken });
    expect(second.entries[0]).toEqual(own.entries[1]);
    await expect(
      client.listRoleAudit({ userId: consul.user.id, pageToken: first.nextPageToken }),
    ).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
  });
});
