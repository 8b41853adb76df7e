import { createClient, eventV1, messagingV1, userV1 } from '@diaspora/proto';
import { createUnitOfWork, defineService, serviceSecret, userData } from '@diaspora/service-kit';
import { DurableJobs } from '@diaspora/service-kit/jobs';
import { openMailSender } from '@diaspora/service-kit/providers';
import { openPushSender } from './adapters/push.js';
import { GrpcContacts } from './clients/contacts.js';
import { GrpcEventDirectory, noEvents } from './clients/events.js';
import { GrpcLiveChannel } from './clients/live.js';
import { notificationConfig } from './config.js';
import { Alerts } from './domain/alerts.js';
import { CalendarJobs } from './domain/calendar-jobs.js';
import { Devices } from './domain/devices.js';
import { Dispatcher } from './domain/dispatcher.js';
import { Inbox } from './domain/inbox.js';
import { Notifier } from './domain/notifier.js';
import type { Stores } from './domain/ports.js';
import { Privacy } from './domain/privacy.js';
import { UnsubscribeLinks } from './domain/unsubscribe.js';
import { notificationConsumers } from './events/consumers.js';
import { notificationRoutes } from './http/routes.js';
import { JOB_SCHEMA, PgDeliveryPlanner } from './jobs/queues.js';
import { notificationJobWorker } from './jobs/worker.js';
import { migrations } from './store/migrations.js';
import { notificationStores } from './store/stores.js';

export const notificationService = defineService({
  name: 'notification',
  openapi: {
    title: 'Notification service',
    description:
      'In-app inbox pushed live over the chat socket, push (FCM) and email (SendGrid) with preferences, quiet hours ' +
      'and digests; notifications for connections, posts, events, invitations, anniversaries and appointments.',
    version: '1.0.0',
  },
  config: notificationConfig,
  migrations,
  async setup({ config, db, outbox, logger, cache, cursors }) {
    const jobs = new DurableJobs({
      connectionString: config.DATABASE_URL,
      schema: JOB_SCHEMA,
      service: 'notification',
      logger,
    });
    // Delivery jobs are planned through the scope's transaction: they exist exactly when their rows commit.
    const uow = createUnitOfWork<Stores>(db, outbox, (q) => ({
      ...notificationStores(q),
      jobs: new PgDeliveryPlanner(jobs.scheduler(q)),
    }));
    const deadline = { deadlineMs: config.GRPC_DEADLINE_MS };
    const userClient = createClient(userV1.UserService, config.USER_GRPC_ADDR, deadline);
    const messagingClient = createClient(messagingV1.MessagingRealtime, config.MESSAGING_GRPC_ADDR, deadline);
    const eventClient = config.EVENT_GRPC_ADDR
      ? createClient(eventV1.EventService, config.EVENT_GRPC_ADDR, deadline)
      : undefined;
    const contacts = new GrpcContacts(userClient, cache);
    const notifier = new Notifier(contacts, new GrpcLiveChannel(messagingClient, logger, config.LIVE_CONCURRENCY));
    const links = new UnsubscribeLinks(
      serviceSecret({
        service: 'notification',
        name: 'UNSUBSCRIBE_SECRET',
        given: config.UNSUBSCRIBE_SECRET,
        dataDir: config.DATA_DIR,
      }),
      config.PUBLIC_BASE_URL,
    );
    const mail = openMailSender(config, { service: 'notification', logger });
    const push = openPushSender(config, logger);
    const dispatcher = new Dispatcher(uow, { contacts, push, mail, links, maxAttempts: config.DELIVERY_MAX_ATTEMPTS });
    const calendar = new CalendarJobs(uow, {
      notifier,
      contacts,
      events: eventClient ? new GrpcEventDirectory(eventClient) : noEvents,
      mail,
      links,
    });
    const alerts = new Alerts(uow, notifier, contacts, config.NEW_EVENT_DAILY_CAP);
    const privacy = new Privacy(uow, contacts);
    return {
      routes: (app) => notificationRoutes(app, { inbox: new Inbox(uow, cursors), devices: new Devices(uow), links }),
      consumers: notificationConsumers({ uow, notifier, contacts, alerts }),
      userData: userData(uow, {
        export: (userId) => privacy.export(userId),
        erase: (scope, userId) => privacy.erase(scope, userId),
      }),
      workers: [notificationJobWorker(jobs, { dispatcher, calendar, pollingIntervalSeconds: config.JOB_POLL_SECONDS })],
      async close() {
        userClient.close();
        messagingClient.close();
        eventClient?.close();
        await push.close?.();
      },
    };
  },
});
