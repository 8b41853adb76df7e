import { commonV1, createClient, eventV1, implement, userV1 } from '@diaspora/proto';
import { defineService } from '@diaspora/service-kit';
import PgBoss from 'pg-boss';
import { eventConfig } from './config.js';
import { Attendance } from './domain/attendance.js';
import { Catalog } from './domain/catalog.js';
import { Registrations } from './domain/registrations.js';
import { Scorecards } from './domain/scorecards.js';
import { eventConsumers } from './events/consumers.js';
import { Privacy } from './events/privacy.js';
import { eventGrpcHandlers, userDataHandlers } from './grpc/event-grpc.js';
import { GrpcUserDirectory } from './grpc/user-directory.js';
import { calendarRoutes } from './http/calendar-routes.js';
import { eventRoutes } from './http/event-routes.js';
import { ratingRoutes } from './http/rating-routes.js';
import { registrationRoutes } from './http/registration-routes.js';
import { jobWorker } from './jobs/worker.js';
import { PgCalendarFeeds } from './store/calendar-feeds.js';
import { JOB_SCHEMA, migrations } from './store/migrations.js';
import { PgUnitOfWork } from './store/unit-of-work.js';

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
  async setup({ config, db, outbox, logger, cache }) {
    const boss = new PgBoss({
      connectionString: config.DATABASE_URL,
      schema: JOB_SCHEMA,
      max: 3,
      application_name: 'event-service-jobs',
    });
    const uow = new PgUnitOfWork(db, outbox, boss, config.REMINDER_OFFSETS_MINUTES);
    const userClient = createClient(userV1.UserService, config.USER_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS });
    const directory = new GrpcUserDirectory(userClient, cache);
    const registrations = new Registrations(uow, { paymentHoldMinutes: config.PAYMENT_HOLD_MINUTES });
    const catalog = new Catalog(uow, registrations, directory, { maxOccurrences: config.RECURRENCE_MAX_OCCURRENCES });
    const attendance = new Attendance(uow);
    const scorecards = new Scorecards(uow, directory, {
      quota: config.CONSUL_EVENT_QUOTA,
      flagDate: config.SCORECARD_FLAG_DATE,
    });
    const privacy = new Privacy({ uow, db, catalog, registrations });
    const feeds = new PgCalendarFeeds(db);
    return {
      async routes(app) {
        await calendarRoutes(app, {
          uow,
          feeds,
          publicBaseUrl: config.PUBLIC_BASE_URL,
          reminderOffsetsMinutes: config.REMINDER_OFFSETS_MINUTES,
        });
        await eventRoutes(app, catalog);
        await registrationRoutes(app, { registrations, attendance, uow, db });
        await ratingRoutes(app, { attendance, scorecards });
      },
      grpc: [
        implement(eventV1.EventService, eventGrpcHandlers(catalog, scorecards), logger),
        implement(commonV1.UserData, userDataHandlers(privacy), logger),
      ],
      consumers: eventConsumers({ db, uow, registrations, privacy, cache, logger }),
      workers: [
        jobWorker({
          boss,
          db,
          outbox,
          uow,
          registrations,
          logger,
          pollingIntervalSeconds: config.JOB_POLL_SECONDS,
        }),
      ],
      async close() {
        userClient.close();
      },
    };
  },
});
