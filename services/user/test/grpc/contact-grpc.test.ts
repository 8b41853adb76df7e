import { createHash } from 'node:crypto';
import { createClient, userV1 } from '@diaspora/proto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations.js';
import { call, register, type Session, startUserService, type UserTestService } from '../fixtures.js';

let service: UserTestService;
let client: userV1.UserServiceClient;
beforeAll(async () => {
  service = await startUserService({ listen: true });
  client = createClient(userV1.UserService, service.addresses!.grpcAddress, { deadlineMs: 5000 });
});
afterAll(async () => {
  client?.close();
  await service?.close();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sql = (text: string, values: unknown[]) => service.context.db.query(text, values);
const verifyEmail = (member: Session) => sql('UPDATE users SET email_verified = true WHERE id = $1', [member.user.id]);
const setPhone = (member: Session, phone: string) =>
  sql('UPDATE users SET phone = $2, phone_verified = true WHERE id = $1', [member.user.id, phone]);
const matchIds = async (viewer: Session, emails: string[], phones: string[] = []) =>
  (
    await client.matchContactHashes({
      viewerId: viewer.user.id,
      emailHashes: emails.map(sha256),
      phoneHashes: phones.map(sha256),
    })
  ).matches.map((match) => match.userId);

describe('GetContactInfo', () => {
  it('answers email, verified flags, phone, primary languages, time zone and status', async () => {
    const member = await register(service.app, { languages: ['fr-CA', 'fr', 'en'], timeZone: 'America/Toronto' });
    await setPhone(member, '+15145550100');
    const info = await client.getContactInfo({ userId: member.user.id });
    expect(info).toMatchObject({
      userId: member.user.id,
      displayName: expect.any(String),
      email: member.user.email,
      emailVerified: false,
      phone: '+15145550100',
      phoneVerified: true,
      languages: ['fr', 'en'],
      timeZone: 'America/Toronto',
      status: 'active',
    });
  });

  it('defaults the time zone to UTC; unknown and erased members are NOT_FOUND', async () => {
    const member = await register(service.app);
    expect((await client.getContactInfo({ userId: member.user.id })).timeZone).toBe('UTC');
    await expect(client.getContactInfo({ userId: 'usr_00000000000000000000000000' })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
    await expect(client.getContactInfo({ userId: '' })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    expect(
      (await call(service.app, 'DELETE', '/me', member.accessToken, { password: member.password })).statusCode,
    ).toBe(204);
    await expect(client.getContactInfo({ userId: member.user.id })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
  });
});

describe('ListMemberIds', () => {
  let parisIct: Session;
  let parisHealth: Session;
  let parisFromMali: Session;
  let lyon: Session;
  let suspended: Session;
  beforeAll(async () => {
    const inBelgium = { residenceCountry: 'BE', originCountry: 'CM' };
    parisIct = await register(service.app, { ...inBelgium, residenceCity: 'Brussels', domains: ['ict'] });
    parisHealth = await register(service.app, { ...inBelgium, residenceCity: 'brussels', domains: ['health'] });
    parisFromMali = await register(service.app, {
      ...inBelgium,
      residenceCity: 'Brussels',
      originCountry: 'ML',
      domains: ['ict', 'commerce'],
    });
    lyon = await register(service.app, { ...inBelgium, residenceCity: 'Liège', domains: ['ict'] });
    suspended = await register(service.app, { ...inBelgium, residenceCity: 'Brussels', domains: ['ict'] });
    await sql("UPDATE users SET status = 'suspended', suspension_reason = 'spam', suspended_by = 'x' WHERE id = $1", [
      suspended.user.id,
    ]);
    await register(service.app, { residenceCountry: 'NL', residenceCity: 'Brussels' });
  });
  const sorted = (...members: Session[]) => members.map((member) => member.user.id).sort();
  const list = (request: Partial<userV1.ListMemberIdsRequest>) =>
    client.listMemberIds({ residenceCountry: 'BE', ...request });

  it('lists the active residents of a country, or of a city (any case), in id order', async () => {
    expect((await list({})).userIds).toEqual(sorted(parisIct, parisHealth, parisFromMali, lyon));
    expect((await list({ residenceCity: 'BRUSSELS' })).userIds).toEqual(sorted(parisIct, parisHealth, parisFromMali));
  });

  it('filters by origin country and by any of the given domains', async () => {
    expect((await list({ originCountry: 'ML' })).userIds).toEqual(sorted(parisFromMali));
    expect((await list({ residenceCity: 'Brussels', domains: ['commerce', 'health'] })).userIds).toEqual(
      sorted(parisHealth, parisFromMali),
    );
  });

  it('pages by id with an opaque token bound to the filters', async () => {
    const first = await list({ pageSize: 3 });
    expect(first.userIds).toHaveLength(3);
    expect(first.nextPageToken).not.toBe('');
    const second = await list({ pageSize: 3, pageToken: first.nextPageToken });
    expect([...first.userIds, ...second.userIds]).toEqual(sorted(parisIct, parisHealth, parisFromMali, lyon));
    expect(second.nextPageToken).toBe('');
    await expect(list({ residenceCity: 'Brussels', pageToken: first.nextPageToken })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    await expect(list({ pageToken: 'forged' })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });

  it('requires a valid residence country and page size', async () => {
    for (const request of [{ residenceCountry: '' }, { residenceCountry: 'be' }, { pageSize: 1001 }]) {
      await expect(list(request), JSON.stringify(request)).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
      });
    }
  });
});

describe('MatchContactHashes', () => {
  let viewer: Session;
  beforeAll(async () => {
    viewer = await register(service.app);
    await verifyEmail(viewer);
  });

  it('finds members by the hash of their verified email, trimmed and lower-cased', async () => {
    const friend = await register(service.app);
    await verifyEmail(friend);
    const { matches } = await client.matchContactHashes({
      viewerId: viewer.user.id,
      emailHashes: [sha256(friend.user.email.toLowerCase().trim()).toUpperCase(), sha256('nobody@example.com')],
      phoneHashes: [],
    });
    expect(matches).toEqual([{ userId: friend.user.id, displayName: expect.any(String) }]);
  });

  it('never matches an unverified email, nor the viewer themselves', async () => {
    const unverified = await register(service.app);
    expect(await matchIds(viewer, [unverified.user.email, viewer.user.email])).toEqual([]);
  });

  it('honours findableByEmail and findableByPhone (off by default), set with the privacy update', async () => {
    const friend = await register(service.app);
    await verifyEmail(friend);
    await setPhone(friend, '+221771234567');
    expect(await matchIds(viewer, [], ['+221771234567'])).toEqual([]);
    const patched = await call(service.app, 'PATCH', '/profile', friend.accessToken, {
      privacy: { findableByEmail: false, findableByPhone: true },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().privacy).toMatchObject({ findableByEmail: false, findableByPhone: true });
    expect(await matchIds(viewer, [friend.user.email])).toEqual([]);
    expect(await matchIds(viewer, [], ['+221771234567'])).toEqual([friend.user.id]);
  });

  it('keeps the phone hash in step when the number changes', async () => {
    const friend = await register(service.app);
    await call(service.app, 'PATCH', '/profile', friend.accessToken, { privacy: { findableByPhone: true } });
    await setPhone(friend, '+33612345678');
    expect(await matchIds(viewer, [], ['+33612345678'])).toEqual([friend.user.id]);
    await setPhone(friend, '+33699999999');
    expect(await matchIds(viewer, [], ['+33612345678'])).toEqual([]);
    expect(await matchIds(viewer, [], ['+33699999999'])).toEqual([friend.user.id]);
  });

  it('excludes members who block the viewer or whom the viewer blocks', async () => {
    const [blocker, blocked] = [await register(service.app), await register(service.app)];
    await Promise.all([verifyEmail(blocker), verifyEmail(blocked)]);
    expect((await matchIds(viewer, [blocker.user.email, blocked.user.email])).sort()).toEqual(
      [blocker.user.id, blocked.user.id].sort(),
    );
    expect((await call(service.app, 'POST', `/${viewer.user.id}/block`, blocker.accessToken)).statusCode).toBe(204);
    expect((await call(service.app, 'POST', `/${blocked.user.id}/block`, viewer.accessToken)).statusCode).toBe(204);
    expect(await matchIds(viewer, [blocker.user.email, blocked.user.email])).toEqual([]);
  });

  it('shows the avatar only where its privacy lets the viewer see it', async () => {
    const friend = await register(service.app);
    await verifyEmail(friend);
    await call(service.app, 'PATCH', '/profile', friend.accessToken, { avatarUrl: 'https://cdn.example.com/a.png' });
    const [shown] = (
      await client.matchContactHashes({ viewerId: viewer.user.id, emailHashes: [sha256(friend.user.email)] })
    ).matches;
    expect(shown).toMatchObject({ avatarUrl: 'https://cdn.example.com/a.png' });
    await call(service.app, 'PATCH', '/profile', friend.accessToken, { privacy: { avatarUrl: 'private' } });
    const [hidden] = (
      await client.matchContactHashes({ viewerId: viewer.user.id, emailHashes: [sha256(friend.user.email)] })
    ).matches;
    expect(hidden).toEqual({ userId: friend.user.id, displayName: expect.any(String) });
  });

  it('refuses more than 1000 hashes of a kind, malformed hex, and a missing or unknown viewer', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => sha256(`m${i}@example.com`));
    const bad: Partial<userV1.MatchContactHashesRequest>[] = [
      { emailHashes: many },
      { phoneHashes: many },
      { emailHashes: ['abc'] },
      { phoneHashes: [`${'g'.repeat(64)}`] },
      { viewerId: '' },
    ];
    for (const request of bad) {
      await expect(
        client.matchContactHashes({ viewerId: viewer.user.id, ...request }),
        JSON.stringify(request).slice(0, 80),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    }
    expect(
      (await client.matchContactHashes({ viewerId: viewer.user.id, emailHashes: many.slice(0, 1000) })).matches,
    ).toEqual([]);
    await expect(
      client.matchContactHashes({ viewerId: 'usr_00000000000000000000000000', emailHashes: [many[0]!] }),
    ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('the migration backfills the hashes of accounts that existed before it', async () => {
    const friend = await register(service.app);
    await verifyEmail(friend);
    await sql('UPDATE users SET email_sha256 = NULL WHERE id = $1', [friend.user.id]);
    expect(await matchIds(viewer, [friend.user.email])).toEqual([]);
    // Reverting (down to before 0007) and reapplying runs its backfill over every existing row.
    const since0007 = migrations.length - migrations.findIndex((migration) => migration.id.startsWith('0007_'));
    await service.migrate('down', since0007);
    await service.migrate('up');
    await verifyEmail(friend);
    expect(await matchIds(viewer, [friend.user.email])).toEqual([friend.user.id]);
  });
});
