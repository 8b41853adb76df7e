import { createClient, eventV1, implement, userV1 } from '@diaspora/proto';
import { createUnitOfWork, defineService, LiveRoles, PlatformSetting, userData } from '@diaspora/service-kit';
import { DurableJobs } from '@diaspora/service-kit/jobs';
import { relationshipStanding } from './clients/relationships.js';
import { GrpcUserDirectory } from './clients/user-directory.js';
import { eventConfig } from './config.js';
import { Attendance } from './domain/attendance.js';
import { Calendars } from './domain/calendars.js';
import { Catalog } from './domain/catalog.js';
import { EventReads } from './domain/event-reads.js';
import { invalidatingUnitOfWork } from './domain/invalidating-uow.js';
import { Invitations } from './domain/invitations.js';
import type { Stores } from './domain/ports.js';
import { Privacy } from './domain/privacy.js';
import { ReadCache } from './domain/read-cache.js';
import { Registrations } from './domain/registrations.js';
import { Scorecards } from './domain/scorecards.js';
import { eventConsumers } from './events/consumers.js';
import { readCacheConsumers } from './events/read-cache-consumers.js';
import { settingsConsumers } from './events/settings-consumers.js';
import { eventGrpcHandlers } from './grpc/handlers.js';
import { OnBehalf } from './grpc/on-behalf.js';
import { calendarRoutes } from './http/calendar-routes.js';
import { eventRoutes } from './http/event-routes.js';
import { invitationRoutes } from './http/invitation-routes.js';
import { ratingRoutes } from './http/rating-routes.js';
import { registrationRoutes } from './http/registration-routes.js';
import { EventJobPlanner, JOB_SCHEMA } from './jobs/queues.js';
import { eventJobWorker } from './jobs/worker.js';
import { migrations } from './store/migrations.js';
import { eventStores } from './store/stores.js';

export const eventService = defineService({
  name: 'event',
  openapi: {
    title: 'Event service',
    description:
      'National and local events, registration with capacity and waitlist, check-in, recurrence, ratings, consul ' +
      'scorecards and iCalendar feeds.',
    version: '1.0.0',
  },
  config: eventConfig,
  migrations,
  async setup({ config, db, outbox, logger, cache, cursors }) {
    const jobs = new DurableJobs({
      connectionString: config.DATABASE_URL,
      schema: JOB_SCHEMA,
      service: 'event',
      logger,
    });
    const readCache = new ReadCache(config.READ_CACHE_TTL_MS > 0 ? cache : undefined, {
      ttlMs: config.READ_CACHE_TTL_MS,
      staleMs: config.READ_CACHE_STALE_MS,
      logger,
    });
    // Jobs are planned through the scope's transaction, so they commit (or vanish) with the change.
    const uow = invalidatingUnitOfWork(
      createUnitOfWork<Stores>(db, outbox, (q) => ({
        ...eventStores(q),
        jobs: new EventJobPlanner(jobs.scheduler(q), config.REMINDER_OFFSETS_MINUTES),
      })),
      readCache,
    );
    const userClient = createClient(userV1.UserService, config.USER_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS });
    const directory = new GrpcUserDirectory(userClient, cache);
    // Role-gated writes ask the user service (a token keeps a revoked appointment until it expires).
    const roles = new LiveRoles((userId) => userClient.getRoles({ userId }), cache);
    const registrations = new Registrations(uow, {
      paymentHoldMinutes: config.PAYMENT_HOLD_MINUTES,
      cursors,
      roles,
    });
    const catalog = new Catalog(uow, registrations, directory, {
      maxOccurrences: config.RECURRENCE_MAX_OCCURRENCES,
      cursors,
      roles,
    });
    const attendance = new Attendance(uow, { roles });
    const consulQuota = new PlatformSetting(db, 'consulYearlyQuota', config.CONSUL_EVENT_QUOTA);
    const scorecards = new Scorecards(uow, directory, {
      quota: () => consulQuota.value(),
      flagDate: config.SCORECARD_FLAG_DATE,
    });
    const privacy = new Privacy({ uow, catalog, registrations, directory, readCache });
    const reads = new EventReads({ uow, catalog, readCache, cursors });
    return {
      async routes(app) {
        await calendarRoutes(app, {
          calendars: new Calendars(uow),
          publicBaseUrl: config.PUBLIC_BASE_URL,
          reminderOffsetsMinutes: config.REMINDER_OFFSETS_MINUTES,
        });
        await eventRoutes(app, catalog, reads);
        await registrationRoutes(app, { registrations, attendance, db });
        await ratingRoutes(app, { attendance, scorecards });
        await invitationRoutes(app, new Invitations(uow, relationshipStanding(userClient)));
      },
      grpc: [
        implement(
          eventV1.EventService,
          eventGrpcHandlers({
            catalog,
            registrations,
            scorecards,
            onBehalf: new OnBehalf({ catalog, registrations, claimsOf: (userId) => roles.claimsOf(userId) }),
          }),
          logger,
        ),
      ],
      consumers: [
        ...eventConsumers({ db, uow, registrations, cache, logger }),
        ...roles.consumers(),
        ...readCacheConsumers(readCache),
        ...settingsConsumers(db, consulQuota),
      ],
      userData: userData(uow, {
        export: (userId) => privacy.export(userId),
        erase: (scope, userId) => privacy.erase(scope, userId),
      }),
      workers: [eventJobWorker(jobs, { uow, registrations, pollingIntervalSeconds: config.JOB_POLL_SECONDS })],
      async close() {
        userClient.close();
      },
    };
  },
});
