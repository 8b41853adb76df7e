import type { EventData, EventDefinition } from '@diaspora/events';
import { eventV1, messagingV1 } from '@diaspora/proto';
import { buildEnvelope, encodeEnvelope, type HttpApp, newId } from '@diaspora/service-kit';
import {
  type FakeUser,
  fakeService,
  issueTestToken,
  startFakeGrpcServer,
  startFakeUserService,
  startTestService,
  until,
} from '@diaspora/testing';
import { notificationService } from '../src/app.js';

export type NotificationTestService = Awaited<ReturnType<typeof startTestService<typeof notificationService.config>>>;

export interface Frame {
  userId: string;
  notification: messagingV1.Notification;
}

/** A fake of messaging's MessagingRealtime: records every live frame; `online` users answer online. */
export async function startFakeMessaging() {
  const frames: Frame[] = [];
  const online = new Set<string>();
  const server = await startFakeGrpcServer('messaging', [
    fakeService(messagingV1.MessagingRealtime, {
      pushNotification: async (request) => {
        frames.push({ userId: request.userId, notification: request.notification! });
        return { online: online.has(request.userId) };
      },
      getPresence: async (request) => ({ onlineUserIds: request.userIds.filter((id) => online.has(id)) }),
    }),
  ]);
  return { ...server, frames, online };
}

/** A fake event service: scripted scorecards and upcoming events. */
export async function startFakeEvents() {
  const scorecards = new Map<string, Partial<eventV1.Scorecard>>();
  const upcoming = new Map<string, { id: string; title: string }[]>();
  const server = await startFakeGrpcServer('event', [
    fakeService(eventV1.EventService, {
      listUpcomingForUser: async (request) => ({
        events: (upcoming.get(request.userId) ?? []).map((event) => ({ ...event }) as eventV1.Event),
        nextPageToken: '',
      }),
      getScorecard: async (request) =>
        ({
          organizerId: request.organizerId,
          year: 2026,
          eventsHeld: 0,
          eventsScheduled: 0,
          quota: 0,
          behindQuota: false,
          flagged: false,
          flagDate: '09-30',
          monthly: [],
          ...scorecards.get(request.organizerId),
        }) as eventV1.Scorecard,
    }),
  ]);
  return { ...server, scorecards, upcoming };
}

export interface Harness {
  service: NotificationTestService;
  app: HttpApp;
  users: Awaited<ReturnType<typeof startFakeUserService>>;
  messaging: Awaited<ReturnType<typeof startFakeMessaging>>;
  events: Awaited<ReturnType<typeof startFakeEvents>>;
  close(): Promise<void>;
}

/** The notification service on a fresh database, with fake user, messaging and event services over real gRPC. */
export async function startNotificationService(
  options: { users?: FakeUser[]; env?: Record<string, string>; workers?: boolean } = {},
): Promise<Harness> {
  const users = await startFakeUserService(options.users ?? []);
  const messaging = await startFakeMessaging();
  const events = await startFakeEvents();
  const service = await startTestService(notificationService, {
    workers: options.workers ?? true,
    env: {
      USER_GRPC_ADDR: users.address,
      MESSAGING_GRPC_ADDR: messaging.address,
      EVENT_GRPC_ADDR: events.address,
      GRPC_DEADLINE_MS: '2000',
      JOB_POLL_SECONDS: '0.5',
      UNSUBSCRIBE_SECRET: 'test-unsubscribe-secret-0123456789abcdef',
      ...options.env,
    },
  });
  return {
    service,
    app: service.app,
    users,
    messaging,
    events,
    close: async () => {
      await service.close();
      await Promise.all([users.stop(), messaging.stop(), events.stop()]);
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
    languages: ['en'],
    domains: ['ict'],
    roles: ['regular'],
    tier: 'free',
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

export const headersOf = (userId: string) => ({
  authorization: `Bearer ${issueTestToken({ sub: userId, roles: ['regular'] })}`,
});

/** Publishes an event of another service onto this service's bus, as its relay would. */
export async function deliver<D extends EventDefinition>(h: Harness, definition: D, data: EventData<D>, id?: string) {
  const envelope = buildEnvelope('test', definition, data, id ? { id } : {});
  await h.service.context.bus.publish({ id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) });
  return envelope;
}

/** Waits until the consumer recorded the event (its effects committed). */
export async function processed(h: Harness, eventId: string, consumer?: string) {
  await until(
    async () =>
      (
        await h.service.context.db.query(
          'SELECT 1 FROM processed_events WHERE event_id = $1 AND ($2::text IS NULL OR consumer = $2)',
          [eventId, consumer ?? null],
        )
      ).rows.length > 0,
    { what: `event ${eventId} processed`, timeoutMs: 10_000 },
  );
}

export async function inbox(h: Harness, userId: string) {
  const response = await h.app.inject({ url: '/api/v1/notifications/', headers: headersOf(userId) });
  return response.json() as {
    items: { id: string; type: string; title: string; body: string; data: Record<string, unknown>; readAt?: string }[];
    nextCursor: string | null;
  };
}

export async function unread(h: Harness, userId: string): Promise<number> {
  const response = await h.app.inject({ url: '/api/v1/notifications/unread-count', headers: headersOf(userId) });
  return response.json().count;
}

export const now = () => new Date().toISOString();
