import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  connect,
  outboxEvents,
  register,
  registration,
  startUserService,
  type UserTestService,
} from '../fixtures.js';

let service: UserTestService;
beforeAll(async () => {
  service = await startUserService();
});
afterAll(() => service?.close());

const fieldsOf = (response: { json(): { errors?: { field: string }[] } }) =>
  (response.json().errors ?? []).map((error) => error.field);
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('time zone', () => {
  it('is set at registration (canonical IANA name), defaults to UTC and shows only in the own profile', async () => {
    const owner = await register(service.app, { timeZone: 'europe/paris' });
    const own = await call(service.app, 'GET', '/profile', owner.accessToken);
    expect(own.json().timeZone).toBe('Europe/Paris');
    const other = await register(service.app);
    expect((await call(service.app, 'GET', '/profile', other.accessToken)).json().timeZone).toBe('UTC');
    const seen = await call(service.app, 'GET', `/${owner.user.id}`, other.accessToken);
    expect(seen.json()).not.toHaveProperty('timeZone');
  });

  it('changes with PATCH /profile; names that are not IANA zones are refused', async () => {
    const owner = await register(service.app);
    const patched = await call(service.app, 'PATCH', '/profile', owner.accessToken, { timeZone: 'Africa/Dakar' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().timeZone).toBe('Africa/Dakar');
    for (const timeZone of ['Mars/Olympus_Mons', '+01:00', 'CET-ish', '']) {
      const response = await call(service.app, 'PATCH', '/profile', owner.accessToken, { timeZone });
      expect(response.statusCode, timeZone).toBe(400);
      expect(fieldsOf(response), timeZone).toContain('timeZone');
    }
    const refused = await call(service.app, 'POST', '/auth/register', undefined, registration({ timeZone: 'Nowhere' }));
    expect(refused.statusCode).toBe(400);
    expect(fieldsOf(refused)).toContain('timeZone');
  });
});

describe('arrival date', () => {
  it('is optional, not in the future, and null removes it', async () => {
    const owner = await register(service.app, { arrivedAt: '2012-10-01' });
    expect((await call(service.app, 'GET', '/profile', owner.accessToken)).json()).toMatchObject({
      arrivedAt: '2012-10-01',
      privacy: { arrivedAt: 'connections' },
    });
    for (const arrivedAt of [daysFromNow(3), '2019-02-30', '01/02/2019', '1850-01-01']) {
      const response = await call(service.app, 'PATCH', '/profile', owner.accessToken, { arrivedAt });
      expect(response.statusCode, arrivedAt).toBe(400);
      expect(fieldsOf(response), arrivedAt).toContain('arrivedAt');
    }
    const today = await call(service.app, 'PATCH', '/profile', owner.accessToken, { arrivedAt: daysFromNow(0) });
    expect(today.json().arrivedAt).toBe(daysFromNow(0));
    const removed = await call(service.app, 'PATCH', '/profile', owner.accessToken, { arrivedAt: null });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).not.toHaveProperty('arrivedAt');
  });

  it('follows its privacy setting in the public view (connections by default)', async () => {
    const owner = await register(service.app, { arrivedAt: '2018-06-15' });
    const [friend, stranger] = [await register(service.app), await register(service.app)];
    await connect(service.app, owner, friend);
    const seenBy = async (viewer: typeof owner) =>
      (await call(service.app, 'GET', `/${owner.user.id}`, viewer.accessToken)).json().arrivedAt;
    expect(await seenBy(friend)).toBe('2018-06-15');
    expect(await seenBy(stranger)).toBeUndefined();
    await call(service.app, 'PATCH', '/profile', owner.accessToken, { privacy: { arrivedAt: 'public' } });
    expect(await seenBy(stranger)).toBe('2018-06-15');
    await call(service.app, 'PATCH', '/profile', owner.accessToken, { privacy: { arrivedAt: 'private' } });
    expect(await seenBy(friend)).toBeUndefined();
  });

  it('travels in users.* profile events with its visibility; the time zone never does', async () => {
    const owner = await register(service.app, { arrivedAt: '2010-01-20', timeZone: 'Europe/Paris' });
    const [registered] = (await outboxEvents<Record<string, unknown>>(service, 'users.user.registered')).filter(
      (event) => event.userId === owner.user.id,
    );
    expect(registered).toMatchObject({ arrivedAt: '2010-01-20', privacy: { arrivedAt: 'connections' } });
    expect(registered).not.toHaveProperty('timeZone');
    await call(service.app, 'PATCH', '/profile', owner.accessToken, { arrivedAt: '2011-01-20', timeZone: 'UTC' });
    const updated = (await outboxEvents<Record<string, unknown>>(service, 'users.profile.updated'))
      .filter((event) => event.userId === owner.user.id)
      .at(-1);
    expect(updated).toMatchObject({ arrivedAt: '2011-01-20', changed: ['arrivedAt', 'timeZone'] });
    expect(updated).not.toHaveProperty('timeZone');
  });
});

describe('contact discovery settings', () => {
  it('show in the own privacy (email on, phone off), change with the privacy update, stay out of events', async () => {
    const owner = await register(service.app);
    const own = await call(service.app, 'GET', '/profile', owner.accessToken);
    expect(own.json().privacy).toMatchObject({ findableByEmail: true, findableByPhone: false });
    const patched = await call(service.app, 'PATCH', '/profile', owner.accessToken, {
      privacy: { findableByPhone: true },
    });
    expect(patched.json().privacy).toMatchObject({ findableByEmail: true, findableByPhone: true, bio: 'public' });
    const updated = (
      await outboxEvents<{ userId: string; privacy: object; changed: string[] }>(service, 'users.profile.updated')
    )
      .filter((event) => event.userId === owner.user.id)
      .at(-1)!;
    expect(updated.changed).toEqual(['privacy']);
    expect(updated.privacy).not.toHaveProperty('findableByPhone');
    const refused = await call(service.app, 'PATCH', '/profile', owner.accessToken, {
      privacy: { findableByEmail: 'yes' },
    });
    expect(refused.statusCode).toBe(400);
  });
});
