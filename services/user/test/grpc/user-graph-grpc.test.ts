import { commonV1, createClient, userV1 } from '@diaspora/proto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, register, type Session, startUserService, type UserTestService } from '../fixtures.js';

let service: UserTestService;
let client: userV1.UserServiceClient;
let superToken: string;
beforeAll(async () => {
  service = await startUserService({
    listen: true,
    env: { SUPERUSER_EMAIL: 'admin@diaspora.test', SUPERUSER_PASSWORD: 'correct horse battery staple' },
  });
  client = createClient(userV1.UserService, service.addresses!.grpcAddress, { deadlineMs: 2000 });
  await waitForSuperuser();
  const login = await call(service.app, 'POST', '/auth/login', undefined, {
    email: 'admin@diaspora.test',
    password: 'correct horse battery staple',
  });
  superToken = login.json().accessToken;
});
afterAll(async () => {
  client?.close();
  await service?.close();
});

async function waitForSuperuser() {
  for (let i = 0; i < 100; i++) {
    if ((await service.app.inject({ url: '/health/ready' })).statusCode === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('super user never bootstrapped');
}

const follow = (from: Session, to: Session) => call(service.app, 'POST', `/${to.user.id}/follow`, from.accessToken);

describe('GetRoles', () => {
  it('answers roles with their scopes and the tier, straight from the store', async () => {
    const member = await register(service.app);
    const consul = await register(service.app);
    expect(await client.getRoles({ userId: member.user.id })).toEqual({
      roles: ['regular'],
      assignments: [{ role: 'regular', country: '', city: '' }],
      tier: 'free',
    });
    expect(
      (await call(service.app, 'POST', '/ambassadors', superToken, { userId: member.user.id, country: 'SN' }))
        .statusCode,
    ).toBe(201);
    expect(
      (
        await call(service.app, 'POST', '/consuls', superToken, {
          userId: consul.user.id,
          country: 'SN',
          city: 'Dakar',
        })
      ).statusCode,
    ).toBe(201);
    expect(await client.getRoles({ userId: member.user.id })).toEqual({
      roles: ['ambassador', 'regular'],
      assignments: [
        { role: 'ambassador', country: 'SN', city: '' },
        { role: 'regular', country: '', city: '' },
      ],
      tier: 'free',
    });
    expect((await client.getRoles({ userId: consul.user.id })).assignments).toContainEqual({
      role: 'consul',
      country: 'SN',
      city: 'Dakar',
    });
  });

  it('fails with NOT_FOUND for an unknown user and INVALID_ARGUMENT without one', async () => {
    await expect(client.getRoles({ userId: 'usr_00000000000000000000000000' })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
    await expect(client.getRoles({})).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });
});

describe('IsFollowing and GetRelationship', () => {
  it('reflect follows, connections and blocks in both directions', async () => {
    const [a, b] = [await register(service.app), await register(service.app)];
    expect(await client.isFollowing({ followerId: a.user.id, followeeId: b.user.id })).toEqual({ following: false });
    await follow(a, b);
    expect(await client.isFollowing({ followerId: a.user.id, followeeId: b.user.id })).toEqual({ following: true });
    expect(await client.isFollowing({ followerId: b.user.id, followeeId: a.user.id })).toEqual({ following: false });
    await connect(service.app, a, b);
    expect(await client.getRelationship({ viewerId: b.user.id, targetId: a.user.id })).toEqual({
      following: false,
      followedBy: true,
      connected: true,
      blocking: false,
      blockedBy: false,
      canMessage: true,
    });
    await call(service.app, 'POST', `/${a.user.id}/block`, b.accessToken);
    expect(await client.getRelationship({ viewerId: a.user.id, targetId: b.user.id })).toEqual({
      following: false,
      followedBy: false,
      connected: false,
      blocking: false,
      blockedBy: true,
      canMessage: false,
    });
  });

  it('can_message follows the target setting: everyone, followers, connections, nobody', async () => {
    const target = await register(service.app);
    const [stranger, follower, connection] = [
      await register(service.app),
      await register(service.app),
      await register(service.app),
    ];
    await follow(follower, target);
    await connect(service.app, connection, target);
    const expectations: Record<string, [boolean, boolean, boolean]> = {
      everyone: [true, true, true],
      followers: [false, true, true],
      connections: [false, false, true],
      nobody: [false, false, false],
    };
    for (const [policy, [forStranger, forFollower, forConnection]] of Object.entries(expectations)) {
      const patched = await call(service.app, 'PATCH', '/profile', target.accessToken, { whoCanMessage: policy });
      expect(patched.statusCode).toBe(200);
      const can = async (viewer: Session) =>
        (await client.getRelationship({ viewerId: viewer.user.id, targetId: target.user.id })).canMessage;
      expect([await can(stranger), await can(follower), await can(connection)], policy).toEqual([
        forStranger,
        forFollower,
        forConnection,
      ]);
    }
  });

  it('rejects missing ids and unknown members', async () => {
    const a = await register(service.app);
    await expect(client.isFollowing({ followerId: a.user.id })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    await expect(
      client.getRelationship({ viewerId: a.user.id, targetId: 'usr_00000000000000000000000000' }),
    ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });
});

describe('ListFollowerIds / ListFollowingIds / ListConnectionIds', () => {
  it('pages in a stable order with tokens until the last page', async () => {
    const star = await register(service.app);
    const fans: Session[] = [];
    for (let i = 0; i < 7; i++) fans.push(await register(service.app));
    for (const fan of fans) await follow(fan, star);
    const expected = fans.map((fan) => fan.user.id).sort();

    const seen: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const answer = await client.listFollowerIds({ userId: star.user.id, pageSize: 3, pageToken });
      seen.push(...answer.userIds);
      pageToken = answer.nextPageToken;
      pages++;
      // A follow arriving mid-listing does not shift what is left to read.
      if (pages === 1) await follow(await register(service.app), star);
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen.slice(0, 7)).toEqual(expected);

    const all = await client.listFollowerIds({ userId: star.user.id });
    expect(all.userIds).toHaveLength(8);
    expect(all.nextPageToken).toBe('');
    expect((await client.listFollowingIds({ userId: fans[0]!.user.id })).userIds).toEqual([star.user.id]);
  });

  it('lists connections of both members', async () => {
    const [a, b, c] = [await register(service.app), await register(service.app), await register(service.app)];
    await connect(service.app, a, b);
    await connect(service.app, c, a);
    expect((await client.listConnectionIds({ userId: a.user.id })).userIds).toEqual([b.user.id, c.user.id].sort());
    expect((await client.listConnectionIds({ userId: b.user.id })).userIds).toEqual([a.user.id]);
  });

  it('validates page size (1..1000), page token and user', async () => {
    const a = await register(service.app);
    for (const pageSize of [-1, 1001]) {
      await expect(client.listFollowerIds({ userId: a.user.id, pageSize })).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
      });
    }
    expect((await client.listFollowerIds({ userId: a.user.id, pageSize: 1000 })).userIds).toEqual([]);
    await expect(client.listFollowerIds({ userId: a.user.id, pageToken: 'not-ours' })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    await expect(client.listFollowingIds({ userId: 'usr_00000000000000000000000000' })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
    await expect(client.listConnectionIds({})).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });
});

describe('privacy-aware GetUser / BatchGetUsers', () => {
  it('leaves out what the owner hides from the viewer', async () => {
    const owner = await register(service.app, { bio: 'Engineer' });
    const [connection, stranger] = [await register(service.app), await register(service.app)];
    await connect(service.app, owner, connection);
    await call(service.app, 'PATCH', '/profile', owner.accessToken, {
      privacy: { originCountry: 'private', residenceCity: 'connections', bio: 'connections', languages: 'private' },
    });

    const anonymous = (await client.getUser({ userId: owner.user.id })).user!;
    expect(anonymous).not.toHaveProperty('originCountry');
    expect(anonymous).not.toHaveProperty('residenceCity');
    expect(anonymous).not.toHaveProperty('bio');
    expect(anonymous.languages).toEqual([]);
    expect(anonymous).toMatchObject({ residenceCountry: 'FR', domains: ['ict', 'commerce'] });

    const asConnection = (await client.getUser({ userId: owner.user.id, viewerId: connection.user.id })).user!;
    expect(asConnection).toMatchObject({ residenceCity: 'Paris', bio: 'Engineer' });
    expect(asConnection).not.toHaveProperty('originCountry');

    const asSelf = (await client.getUser({ userId: owner.user.id, viewerId: owner.user.id })).user!;
    expect(asSelf).toMatchObject({ originCountry: 'SN', languages: ['fr', 'wo'] });

    const { users } = await client.batchGetUsers({
      userIds: [owner.user.id, stranger.user.id],
      viewerId: stranger.user.id,
    });
    expect(users[0]).not.toHaveProperty('residenceCity');
    expect(users[1]).toMatchObject({ id: stranger.user.id, residenceCity: 'Paris' });
    const batchAsConnection = await client.batchGetUsers({ userIds: [owner.user.id], viewerId: connection.user.id });
    expect(batchAsConnection.users[0]).toMatchObject({ residenceCity: 'Paris' });
  });
});

describe('commonV1.UserData', () => {
  it("exports this service's data about a member as JSON, {} for an unknown member", async () => {
    const exporter = createClient(commonV1.UserData, service.addresses!.grpcAddress, { deadlineMs: 2000 });
    try {
      const [a, b] = [await register(service.app), await register(service.app)];
      await follow(a, b);
      const answer = await exporter.exportUserData({ userId: a.user.id });
      expect(answer.service).toBe('user');
      const data = JSON.parse(answer.json);
      expect(data.profile).toMatchObject({ id: a.user.id, email: a.user.email });
      expect(data.following).toEqual([expect.objectContaining({ userId: b.user.id })]);
      expect(await exporter.exportUserData({ userId: 'usr_00000000000000000000000000' })).toEqual({
        service: 'user',
        json: '{}',
      });
      await expect(exporter.exportUserData({})).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    } finally {
      exporter.close();
    }
  });
});
