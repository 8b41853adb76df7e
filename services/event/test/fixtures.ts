import type { EventData, EventDefinition } from '@diaspora/events';
import { buildEnvelope, encodeEnvelope, type HttpApp, newId, Problem } from '@diaspora/service-kit';
import { type FakeUser, issueTestToken, startFakeUserService, startTestService } from '@diaspora/testing';
import { eventService } from '../src/app.js';

export type EventTestService = Awaited<ReturnType<typeof startTestService<typeof eventService.config>>>;

export interface Harness {
  service: EventTestService;
  app: HttpApp;
  users: Awaited<ReturnType<typeof startFakeUserService>>;
  close(): Promise<void>;
}

/** The event service on a fresh database, talking to a fake user service over real gRPC. */
export async function startEventService(
  options: { users?: FakeUser[]; env?: Record<string, string>; listen?: boolean; workers?: boolean } = {},
): Promise<Harness> {
  const users = await startFakeUserService(options.users ?? [], { getRoles: appointmentsOf });
  const service = await startTestService(eventService, {
    listen: options.listen ?? false,
    workers: options.workers ?? true,
    env: { USER_GRPC_ADDR: users.address, JOB_POLL_SECONDS: '0.5', GRPC_DEADLINE_MS: '1000', ...options.env },
  });
  return {
    service,
    app: service.app,
    users,
    close: async () => {
      await service.close();
      await users.stop();
    },
  };
}

export function fakeUser(overrides: Partial<FakeUser> = {}): FakeUser {
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

/** What the fake user service holds about each actor: the appointments its token claims (services ask it). */
const appointments = new Map<string, { roles: string[]; country?: string; city?: string }>();

/** The user service ends an actor's appointments (their token still claims them). */
export const revokeAppointments = (id: string) => appointments.set(id, { roles: ['regular'] });

/** Fake GetRoles answering from `appointments`. */
async function appointmentsOf(request: { userId: string }) {
  const held = appointments.get(request.userId);
  if (!held) throw new Problem(404, { detail: 'user not found' });
  const { country = '', city = '' } = held;
  const assignments = held.roles.flatMap((role) =>
    role === 'ambassador' ? [{ role, country, city: '' }] : role === 'consul' ? [{ role, country, city }] : [],
  );
  return { roles: held.roles, assignments, tier: 'free' };
}

export interface Actor {
  id: string;
  token: string;
  headers: { authorization: string };
}

export function actor(
  claims: {
    roles?: ('super' | 'ambassador' | 'consul' | 'premium' | 'regular')[];
    country?: string;
    city?: string;
  } = {},
  id = newId('usr'),
): Actor {
  const token = issueTestToken({ sub: id, roles: claims.roles ?? ['regular'], ...claims });
  appointments.set(id, { roles: claims.roles ?? ['regular'], ...claims });
  return { id, token, headers: { authorization: `Bearer ${token}` } };
}

export const member = (country = 'FR', city = 'Paris') => actor({ roles: ['regular'], country, city });
export const consul = (country = 'FR', city = 'Paris') => actor({ roles: ['consul', 'regular'], country, city });
export const ambassador = (country = 'FR') => actor({ roles: ['ambassador', 'regular'], country });
export const superUser = () => actor({ roles: ['super'] });

export const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

export const paris = {
  name: 'Maison des Associations',
  address: '12 rue de la Paix',
  city: 'Paris',
  country: 'FR',
  lat: 48.8566,
  lon: 2.3522,
};

export function eventBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Diaspora tech meetup',
    description: 'Talks and networking.',
    domain: 'ict',
    type: 'free',
    startsAt: inHours(48),
    endsAt: inHours(51),
    timezone: 'Europe/Paris',
    venue: paris,
    capacity: 50,
    languages: ['fr', 'en'],
    ...overrides,
  };
}

export async function createEvent(app: HttpApp, who: Actor, overrides: Record<string, unknown> = {}) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: who.headers,
    payload: eventBody(overrides),
  });
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
  return response.json() as { id: string; [key: string]: unknown };
}

/** What `app.inject` answers (named here: the service does not depend on fastify's own types). */
type InjectedResponse = Awaited<ReturnType<HttpApp['inject']>>;

export async function register(app: HttpApp, eventId: string, who: Actor): Promise<InjectedResponse> {
  return app.inject({ method: 'POST', url: `/api/v1/events/${eventId}/registrations`, headers: who.headers });
}

/** Moves an event into the past (it "happened"), keeping its duration. */
export async function endEvent(service: EventTestService, eventId: string, hoursAgo = 1) {
  await service.context.db.query(
    `UPDATE events SET starts_at = now() - make_interval(hours => $2 + 3), ends_at = now() - make_interval(hours => $2)
     WHERE id = $1`,
    [eventId, hoursAgo],
  );
}

/** Publishes an event of another service onto this service's bus, as its relay would. */
export async function deliver<D extends EventDefinition>(
  service: EventTestService,
  definition: D,
  data: EventData<D>,
  id?: string,
) {
  const envelope = buildEnvelope('test', definition, data, id ? { id } : {});
  await service.context.bus.publish({ id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) });
  return envelope;
}
