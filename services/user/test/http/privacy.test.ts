import { createClient, userV1 } from '@diaspora/proto';
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
let client: userV1.UserServiceClient;
let owner: Session;
let connection: Session;
let stranger: Session;

beforeAll(async () => {
  service = await startUserService({ listen: true });
  client = createClient(userV1.UserService, service.addresses!.grpcAddress, { deadlineMs: 2000 });
  owner = await register(service.app, { bio: 'Agronomist', domains: ['agriculture'] });
  [connection, stranger] = [await register(service.app), await register(service.app)];
  await connect(service.app, owner, connection);
  await call(service.app, 'POST', `/${owner.user.id}/follow`, stranger.accessToken);
  const patched = await call(service.app, 'PATCH', '/profile', owner.accessToken, {
    avatarUrl: 'https://cdn.example.com/owner.png',
    coordinates: { lat: 48.85, lon: 2.35 },
    arrivedAt: '2015-09-01',
  });
  expect(patched.statusCode).toBe(200);
});
afterAll(async () => {
  client?.close();
  await service?.close();
});

const FIELDS = {
  avatarUrl: 'https://cdn.example.com/owner.png',
  bio: 'Agronomist',
  originCountry: 'SN',
  residenceCountry: 'FR',
  residenceCity: 'Paris',
  coordinates: { lat: 48.85, lon: 2.35 },
  languages: ['fr', 'wo'],
  domains: ['agriculture'],
  arrivedAt: '2015-09-01',
} as const;
type Field = keyof typeof FIELDS;
const SETTINGS = ['public', 'connections', 'private'] as const;
/** Which viewers see a field under each setting. */
const VISIBLE: Record<(typeof SETTINGS)[number], { self: boolean; connection: boolean; stranger: boolean }> = {
  public: { self: true, connection: true, stranger: true },
  connections: { self: true, connection: true, stranger: false },
  private: { self: true, connection: false, stranger: false },
};

/** Every read path a viewer has to the owner's profile; each must agree on what is visible. */
async function readPaths(viewer: Session) {
  const isSelf = viewer === owner;
  const views: [string, Record<string, unknown>][] = [];
  const http = await call(service.app, 'GET', `/${owner.user.id}`, viewer.accessToken);
  views.push(['GET /{userId}', http.json()]);
  if (isSelf) views.push(['GET /profile', (await call(service.app, 'GET', '/profile', viewer.accessToken)).json()]);
  const followers = await call(service.app, 'GET', `/${stranger.user.id}/following`, viewer.accessToken);
  const listed = followers.json().items.find((item: { id: string }) => item.id === owner.user.id);
  if (listed) views.push(['GET /{userId}/following', listed]);
  if (viewer === connection) {
    const connections = await call(service.app, 'GET', '/connections', viewer.accessToken);
    views.push([
      'GET /connections',
      connections.json().items.find((item: { id: string }) => item.id === owner.user.id),
    ]);
  }
  const grpcUser = (await client.getUser({ userId: owner.user.id, viewerId: viewer.user.id })).user!;
  views.push(['gRPC GetUser', grpcUser as unknown as Record<string, unknown>]);
  const batch = (await client.batchGetUsers({ userIds: [owner.user.id], viewerId: viewer.user.id })).users[0]!;
  views.push(['gRPC BatchGetUsers', batch as unknown as Record<string, unknown>]);
  return views;
}

const shows = (view: Record<string, unknown>, field: Field) => {
  const value = view[field];
  // gRPC has no coordinates nor arrival date and sends hidden repeated fields as empty lists.
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined;
};

describe('privacy matrix: viewer × field setting, on every read path', () => {
  for (const setting of SETTINGS) {
    it(`fields set to "${setting}"`, async () => {
      const privacy = Object.fromEntries(Object.keys(FIELDS).map((field) => [field, setting]));
      const patched = await call(service.app, 'PATCH', '/profile', owner.accessToken, { privacy });
      expect(patched.statusCode).toBe(200);
      // The contact-discovery switches keep their defaults.
      expect(patched.json().privacy).toEqual({ ...privacy, findableByEmail: true, findableByPhone: false });

      for (const [name, viewer] of [
        ['self', owner],
        ['connection', connection],
        ['stranger', stranger],
      ] as const) {
        for (const [path, view] of await readPaths(viewer)) {
          expect(view, `${name} via ${path}`).toMatchObject({ id: owner.user.id, displayName: expect.any(String) });
          for (const field of Object.keys(FIELDS) as Field[]) {
            if (path.startsWith('gRPC') && (field === 'coordinates' || field === 'arrivedAt')) continue;
            expect(shows(view, field), `${name} sees ${field} (${setting}) via ${path}`).toBe(VISIBLE[setting][name]);
            if (VISIBLE[setting][name] && !path.startsWith('gRPC')) expect(view[field]).toEqual(FIELDS[field]);
          }
        }
      }
    });
  }

  it('publishes the privacy with users.profile.updated so consumers honour it', async () => {
    await call(service.app, 'PATCH', '/profile', owner.accessToken, { privacy: { originCountry: 'private' } });
    const events = await outboxEvents<{ userId: string; privacy: Record<string, string>; changed: string[] }>(
      service,
      'users.profile.updated',
    );
    const last = events.filter((event) => event.userId === owner.user.id).at(-1)!;
    expect(last.privacy.originCountry).toBe('private');
    expect(last.changed).toEqual(['privacy']);
  });

  it('rejects unknown privacy fields and values, bad coordinates and message settings with field errors', async () => {
    const cases: [unknown, string][] = [
      [{ privacy: { email: 'private' } }, 'privacy.email'],
      [{ privacy: { bio: 'friends' } }, 'privacy.bio'],
      [{ privacy: {} }, 'privacy'],
      [{ coordinates: { lat: 91, lon: 0 } }, 'coordinates.lat'],
      [{ coordinates: { lat: 10 } }, 'coordinates.lon'],
      [{ whoCanMessage: 'friends' }, 'whoCanMessage'],
    ];
    for (const [payload, field] of cases) {
      const response = await call(service.app, 'PATCH', '/profile', owner.accessToken, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(
        response.json().errors.map((e: { field: string }) => e.field),
        JSON.stringify(payload),
      ).toContain(field);
    }
  });

  it('removes coordinates with null', async () => {
    const cleared = await call(service.app, 'PATCH', '/profile', owner.accessToken, { coordinates: null });
    expect(cleared.json()).not.toHaveProperty('coordinates');
  });
});
