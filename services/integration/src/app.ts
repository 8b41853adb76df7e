import { createClient, eventV1, userV1 } from '@diaspora/proto';
import {
  ConfigError,
  createUnitOfWork,
  defineService,
  every,
  RateLimiter,
  serviceSecret,
  userData,
} from '@diaspora/service-kit';
import { DurableJobs } from '@diaspora/service-kit/jobs';
import { AddressPolicy } from './adapters/address-policy.js';
import { CalDavAppleConnector } from './adapters/apple-calendar.js';
import { GoogleCalendarConnector } from './adapters/google-calendar.js';
import { HubSpotConnector } from './adapters/hubspot.js';
import { LocalGoogleConnector } from './adapters/local-google-calendar.js';
import { LogCrmConnector } from './adapters/log-crm.js';
import { EnvelopeVault } from './adapters/vault.js';
import { HttpWebhookSender } from './adapters/webhook-sender.js';
import { GrpcEventDirectory } from './clients/event-directory.js';
import { GrpcEventWriter } from './clients/event-writer.js';
import { GrpcMemberTiers } from './clients/member-tiers.js';
import { UserContactMatcher, UserMemberContacts } from './clients/user-contacts.js';
import { integrationConfig } from './config.js';
import { CalendarSync } from './domain/calendars.js';
import { ContactDiscovery } from './domain/contacts.js';
import { CrmSync } from './domain/crm.js';
import { InboundApi } from './domain/inbound.js';
import type { CrmConnector, GoogleConnector, Stores } from './domain/ports.js';
import { TwoWaySync } from './domain/two-way-sync.js';
import { type Publish, Webhooks } from './domain/webhooks.js';
import { integrationConsumers } from './events/consumers.js';
import { calendarRoutes } from './http/calendar-routes.js';
import { contactRoutes } from './http/contact-routes.js';
import { inboundRoutes } from './http/inbound-routes.js';
import { webhookRoutes } from './http/webhook-routes.js';
import { JOB_SCHEMA } from './jobs/queues.js';
import { integrationJobWorker } from './jobs/worker.js';
import { migrations } from './store/migrations.js';
import { openIntegrationStore } from './store/open.js';
import { PostgresOrganizationStore } from './store/organizations.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const integrationService = defineService({
  name: 'integration',
  openapi: {
    title: 'Integration service',
    description:
      'Outbound webhooks (Standard Webhooks) for CRMs, ERPs and external databases, contact discovery by hashes, ' +
      'and calendar sync (Apple over CalDAV, Google).',
    version: '1.0.0',
  },
  config: integrationConfig,
  migrations,
  async setup({ config, db, outbox, logger, cursors, cache }) {
    // Adapters: the integration store (PostgreSQL or MongoDB), secrets at rest, webhook delivery, durable jobs, peers.
    const store = await openIntegrationStore(config, db);
    const uow = createUnitOfWork<Stores>(db, outbox, () => ({}));
    const vault = new EnvelopeVault(
      serviceSecret({
        service: 'integration',
        name: 'INTEGRATION_ENCRYPTION_KEY',
        given: config.INTEGRATION_ENCRYPTION_KEY,
        dataDir: config.DATA_DIR,
      }),
      config.INTEGRATION_ENCRYPTION_PREVIOUS_KEYS,
    );
    // Private and loopback targets: for local tools in all-in-one (DATA_DIR), refused elsewhere unless configured.
    const policy = new AddressPolicy({
      allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? config.DATA_DIR !== undefined,
    });
    const sender = new HttpWebhookSender(policy, {
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      maxResponseBytes: config.WEBHOOK_MAX_RESPONSE_BYTES,
    });
    const jobs = new DurableJobs({
      connectionString: config.DATABASE_URL,
      schema: JOB_SCHEMA,
      service: 'integration',
      logger,
      poolMax: 4,
    });
    const userClient = config.USER_GRPC_ADDR
      ? createClient(userV1.UserService, config.USER_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS })
      : undefined;
    const eventClient = config.EVENT_GRPC_ADDR
      ? createClient(eventV1.EventService, config.EVENT_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS })
      : undefined;
    const googleCallback =
      config.GOOGLE_REDIRECT_URL ?? `${config.PUBLIC_BASE_URL}/api/v1/integrations/calendar/google/callback`;
    let google: GoogleConnector;
    if (config.GOOGLE_CALENDAR_PROVIDER === 'local') google = new LocalGoogleConnector(googleCallback, logger);
    else if (!config.GOOGLE_CLIENT_ID || !config.GOOGLE_CLIENT_SECRET)
      throw new ConfigError(
        'invalid configuration for the integration service:\n  - GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET: are required when GOOGLE_CALENDAR_PROVIDER=google',
      );
    else
      google = new GoogleCalendarConnector({
        clientId: config.GOOGLE_CLIENT_ID,
        clientSecret: config.GOOGLE_CLIENT_SECRET,
        redirectUrl: googleCallback,
        ...(config.GOOGLE_OAUTH_BASE_URL ? { oauthBaseUrl: config.GOOGLE_OAUTH_BASE_URL } : {}),
        ...(config.GOOGLE_API_ROOT_URL ? { apiRootUrl: config.GOOGLE_API_ROOT_URL } : {}),
      });
    let crmConnector: CrmConnector | undefined;
    if (config.CRM_CONNECTOR === 'log') crmConnector = new LogCrmConnector(logger);
    else if (config.CRM_CONNECTOR === 'hubspot') {
      if (!config.HUBSPOT_ACCESS_TOKEN)
        throw new ConfigError(
          'invalid configuration for the integration service:\n  - HUBSPOT_ACCESS_TOKEN: is required when CRM_CONNECTOR=hubspot',
        );
      crmConnector = new HubSpotConnector({
        accessToken: config.HUBSPOT_ACCESS_TOKEN,
        ...(config.HUBSPOT_BASE_PATH ? { basePath: config.HUBSPOT_BASE_PATH } : {}),
      });
    }
    const publish: Publish = (definition, data) => uow.run((scope) => scope.publish(definition, data));

    // Use cases.
    const webhooks = new Webhooks({
      store,
      vault,
      policy,
      sender,
      jobs: jobs.scheduler(db),
      publish,
      clock: () => new Date(),
      disableAfterFailures: config.WEBHOOK_DISABLE_AFTER_FAILURES,
      perTargetConcurrency: config.WEBHOOK_PER_TARGET_CONCURRENCY,
    });
    const contacts = new ContactDiscovery(new UserContactMatcher(userClient));
    const eventDirectory = new GrpcEventDirectory(eventClient, logger, config.PUBLIC_BASE_URL);
    const crm = crmConnector
      ? new CrmSync({
          connector: crmConnector,
          members: new UserMemberContacts(userClient),
          events: eventDirectory,
          logger,
        })
      : undefined;
    const eventWriter = eventClient ? new GrpcEventWriter(eventClient) : undefined;
    const inbound = new InboundApi({
      store: new PostgresOrganizationStore(db),
      events: eventWriter,
      clock: () => new Date(),
    });
    const calendars = new CalendarSync({
      store,
      vault,
      policy,
      apple: new CalDavAppleConnector(),
      google,
      cache,
      events: eventDirectory,
      publish,
      clock: () => new Date(),
      logger,
      defaultCalDavUrl: config.CALDAV_DEFAULT_URL,
    });
    const twoWay = eventWriter
      ? new TwoWaySync({
          store,
          open: (connection) => vault.open(connection.credentials),
          google,
          events: eventWriter,
          tiers: new GrpcMemberTiers(userClient),
          calendars,
          logger,
        })
      : undefined;

    return {
      async routes(app) {
        await webhookRoutes(app, { webhooks, cursors });
        await contactRoutes(app, { contacts });
        await calendarRoutes(app, { calendars });
        await inboundRoutes(app, {
          inbound,
          db,
          limiter: new RateLimiter(cache, {
            name: 'inbound-api-key',
            limit: config.INBOUND_RATE_LIMIT_PER_MINUTE,
            windowMs: 60_000,
          }),
        });
      },
      consumers: integrationConsumers({ webhooks, calendars, ...(crm ? { crm } : {}) }),
      userData: userData(uow, {
        export: (userId) => store.exportUser(userId),
        erase: (_scope, userId) => store.eraseUser(userId),
      }),
      chores: [
        ...(twoWay ? [every('google two-way pull', config.GOOGLE_SYNC_INTERVAL_MS, () => twoWay.pullAll())] : []),
        every('webhook delivery log retention', HOUR, () =>
          store.purgeDeliveriesBefore(new Date(Date.now() - config.WEBHOOK_LOG_RETENTION_DAYS * DAY)),
        ),
      ],
      workers: [
        integrationJobWorker(jobs, {
          webhooks,
          concurrency: config.WEBHOOK_CONCURRENCY,
          pollingIntervalSeconds: config.JOB_POLL_SECONDS,
        }),
      ],
      checks: { integrationStore: () => store.ping() },
      async close() {
        userClient?.close();
        eventClient?.close();
        await store.close();
      },
    };
  },
});
