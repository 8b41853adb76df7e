import type { EventData, EventDefinition } from '@diaspora/events';
import { contentV1, eventV1, type userV1 } from '@diaspora/proto';
import { buildEnvelope, encodeEnvelope, type HttpApp, newId, Problem } from '@diaspora/service-kit';
import {
  type FakeUser,
  fakeService,
  issueTestToken,
  startFakeGrpcServer,
  startFakeUserService,
  startTestService,
  until,
} from '@diaspora/testing';
import { adminService } from '../src/app.js';

export type AdminTestService = Awaited<ReturnType<typeof startTestService<typeof adminService.config>>>;
type Grant = { role: string; country: string; city: string };

export function fakeUser(overrides: Partial<FakeUser> & { grants?: Grant[] } = {}): FakeUser & { grants?: Grant[] } {
  return {
    id: newId('usr'),
    displayName: 'Member',
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['fr'],
    domains: [],
    roles: ['regular'],
    tier: 'free',
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

export const superUser = (name = 'Root') => fakeUser({ displayName: name, roles: ['super'] });
export const ambassadorOf = (country: string, name = 'Ambassador') =>
  fakeUser({
    displayName: name,
    residenceCountry: country,
    roles: ['ambassador', 'regular'],
    grants: [{ role: 'ambassador', country, city: '' }],
  });
export const consulOf = (country: string, city: string, name = 'Consul') =>
  fakeUser({
    displayName: name,
    residenceCountry: country,
    residenceCity: city,
    roles: ['consul', 'regular'],
    grants: [{ role: 'consul', country, city }],
  });

/** A moderation item the fake content service holds. */
export interface FakeItem extends contentV1.ModerationItem {}

export function fakeItem(overrides: Partial<FakeItem> = {}): FakeItem {
  return {
    targetType: 'post',
    targetId: newId('pst'),
    postId: '',
    authorId: '',
    text: 'Something reported',
    language: 'fr',
    state: 'hidden',
    score: 0,
    labels: [],
    reportCount: 1,
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    createdAt: new Date().toISOString(),
    moderatedBy: '',
    moderatedAt: '',
    ...overrides,
  };
}

/** ContentModeration from memory, checking the moderator's scope like the content service does. */
function startFakeContent(items: Map<string, FakeItem>) {
  const find = (request: { moderator?: contentV1.Moderator; targetId: string }) => {
    const item = items.get(request.targetId);
    if (!item) throw new Problem(404, { detail: 'not found' });
    const moderator = request.moderator!;
    const inScope =
      moderator.roles.includes('super') ||
      (moderator.country === item.residenceCountry && (!moderator.city || moderator.city === item.residenceCity));
    if (!inScope) throw new Problem(403, { detail: 'outside scope' });
    return item;
  };
  const decide = (state: string) => async (request: contentV1.DecisionRequest) => {
    const item = find(request);
    item.state = state;
    item.moderatedBy = request.moderator!.userId;
    if (state === 'published') item.reportCount = 0;
    return item;
  };
  return startFakeGrpcServer('content', [
    fakeService(contentV1.ContentModeration, {
      listQueue: async () => ({ items: [...items.values()], nextPageToken: '' }),
      getItem: async (request) => find(request),
      takeDown: decide('removed'),
      restore: decide('published'),
    }),
  ]);
}

/** EventService answering scorecards only. */
function startFakeEvents() {
  return startFakeGrpcServer('event', [
    fakeService(eventV1.EventService, {
      getScorecard: async (request: eventV1.GetScorecardRequest) => ({
        organizerId: request.organizerId,
        year: 2026,
        eventsHeld: 2,
        eventsScheduled: 1,
        quota: 4,
        behindQuota: true,
        flagged: false,
        flagDate: '09-30',
        monthly: [],
      }),
    }),
  ]);
}

export interface Harness {
  service: AdminTestService;
  app: HttpApp;
  users: Awaited<ReturnType<typeof startFakeUserService>>;
  items: Map<string, FakeItem>;
  roleAudit: userV1.RoleAuditEntry[];
  close(): Promise<void>;
}

/** The admin service on a fresh database, with fake user, content and event services over real gRPC. */
export async function startAdmin(
  users: (FakeUser & { grants?: Grant[] })[] = [],
  env: Record<string, string> = {},
  options: { listen?: boolean } = {},
) {
  const items = new Map<string, FakeItem>();
  const roleAudit: userV1.RoleAuditEntry[] = [];
  const grants = new Map(users.map((user) => [user.id, user.grants ?? []]));
  const fakeUsers = await startFakeUserService(
    users.map(({ grants: _g, ...user }) => user),
    {
      getRoles: async (request) => {
        const user = fakeUsers.users.get(request.userId);
        if (!user) throw new Problem(404, { detail: 'no such user' });
        return { roles: user.roles, assignments: grants.get(user.id) ?? [], tier: user.tier };
      },
      listRoleAudit: async (request) => {
        const start = Number(request.pageToken || 0);
        const size = request.pageSize || 20;
        return {
          entries: roleAudit.slice(start, start + size),
          nextPageToken: start + size < roleAudit.length ? String(start + size) : '',
        };
      },
    },
  );
  const content = await startFakeContent(items);
  const events = await startFakeEvents();
  const service = await startTestService(adminService, {
    listen: options.listen ?? false,
    env: {
      USER_GRPC_ADDR: fakeUsers.address,
      CONTENT_GRPC_ADDR: content.address,
      EVENT_GRPC_ADDR: events.address,
      GRPC_DEADLINE_MS: '2000',
      PSEUDONYM_SECRET: 'test-pseudonym-secret-0123456789abcdefghijk',
      ...env,
    },
  });
  const harness: Harness = {
    service,
    app: service.app,
    users: fakeUsers,
    items,
    roleAudit,
    close: async () => {
      await service.close();
      await fakeUsers.stop();
      await Promise.all([content.stop(), events.stop()]);
    },
  };
  return harness;
}

const tokenOf = (user: FakeUser) => issueTestToken({ sub: user.id, roles: user.roles as ('super' | 'regular')[] });
export const auth = (user: FakeUser) => ({ authorization: `Bearer ${tokenOf(user)}` });

/** Publishes an event of another service onto the admin service's bus, as its relay would. */
export async function deliver<D extends EventDefinition>(service: AdminTestService, definition: D, data: EventData<D>) {
  const envelope = buildEnvelope('test', definition, data);
  await service.context.bus.publish({ id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) });
  return envelope;
}

/** Waits until the admin service's consumers have handled `count` events in all. */
export async function handled(service: AdminTestService, count: number) {
  await until(
    async () => {
      const { rows } = await service.context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM processed_events');
      return rows[0]!.n >= count;
    },
    { what: `${count} events handled` },
  );
}

/** The events this service put in its outbox on `subject`, oldest first. */
export async function published(service: AdminTestService, subject: string) {
  const { rows } = await service.context.db.query<{ envelope: { data: Record<string, unknown> } }>(
    'SELECT envelope FROM outbox WHERE subject = $1 ORDER BY seq',
    [subject],
  );
  return rows.map((row) => row.envelope.data);
}
