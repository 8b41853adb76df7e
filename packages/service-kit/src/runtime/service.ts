import { type Static, type TObject, type TProperties, Type } from 'typebox';
import { RevocationList, revocationConsumers } from '../auth/revocations.js';
import { resolveServiceKeys, type ServiceKeys } from '../auth/service-keys.js';
import { JwksKeySource, type KeySource, TokenVerifier } from '../auth/verifier.js';
import { openBus } from '../bus/open.js';
import { type BusSubscription, DEFAULT_MAX_DELIVER, type EventBus } from '../bus/types.js';
import { openCache } from '../cache/open.js';
import type { Cache } from '../cache/types.js';
import { type BaseConfig, baseConfig, ConfigError, type Env, loadConfig } from '../config.js';
import { Database } from '../db/database.js';
import { type Migration, migrate } from '../db/migrations.js';
import { deliveryHandler, type EventConsumer } from '../events/consumer.js';
import { kitMigrations, Outbox, OutboxRelay } from '../events/outbox.js';
import { AccessPolicy } from '../grpc/access.js';
import { type GrpcBinding, GrpcServer } from '../grpc/server.js';
import { runAsService, ServiceCallGuard, ServiceIdentity } from '../grpc/service-auth.js';
import { grpcTls } from '../grpc/tls.js';
import { type HealthCheck, Readiness } from '../health.js';
import { createHttpApp, type HttpApp } from '../http/app.js';
import { CursorCodec } from '../http/cursor.js';
import { createLogger, type Logger } from '../logger.js';
import { createMetrics, observePool, type ServiceMetrics } from '../metrics.js';
import { serviceSecret } from '../secrets.js';
import { type Chore, kitChores } from './chores.js';
import { PollingWorker } from './polling-worker.js';
import { type UserDataPart, userDataBinding, userDataConsumers } from './user-data.js';

export type ServiceConfig<P extends TProperties> = BaseConfig & Static<TObject<P>>;

/** What a service's `setup` receives: validated config and opened adapters, nothing it must construct itself. */
export interface ServiceContext<C> {
  name: string;
  config: C;
  logger: Logger;
  db: Database;
  bus: EventBus;
  cache: Cache;
  outbox: Outbox;
  verifier: TokenVerifier;
  metrics: ServiceMetrics;
  /** Signs and checks page cursors with the service's CURSOR_SECRET. */
  cursors: CursorCodec;
  /** Signs this service's internal gRPC calls; createClient in setup uses it without being told. */
  identity: ServiceIdentity;
}

/** A background loop the runtime starts after listening and stops on shutdown. */
export interface Worker {
  start(): void;
  stop(): Promise<void>;
}

export interface ServiceParts {
  routes(app: HttpApp): Promise<void>;
  grpc?: GrpcBinding[];
  consumers?: EventConsumer[];
  /** GDPR: the kit serves common.v1.UserData and erases on users.user.deleted (see `userData()`). */
  userData?: UserDataPart;
  /** Periodic chores (`every(...)`), started with the workers in every instance. */
  chores?: Chore[];
  workers?: Worker[];
  checks?: Record<string, HealthCheck>;
  close?(): Promise<void>;
}

export interface ServiceDefinition<P extends TProperties = TProperties> {
  /** Lowercase short name: `user`, `event`… names the database tables' migration log and durable consumers. */
  name: string;
  openapi: { title: string; description: string; version: string };
  config: P;
  migrations: Migration[];
  /** For the token issuer, which verifies with the keys it holds rather than fetching its own JWKS. */
  keySource?(config: ServiceConfig<P>): KeySource;
  setup(context: ServiceContext<ServiceConfig<P>>): Promise<ServiceParts>;
}

export function defineService<P extends TProperties>(definition: ServiceDefinition<P>): ServiceDefinition<P> {
  return definition;
}

export interface Service<C extends BaseConfig = BaseConfig> {
  name: string;
  config: C;
  app: HttpApp;
  context: ServiceContext<C>;
  readiness: Readiness;
  relay: OutboxRelay;
  /** Where `listen()` bound, once it has. */
  addresses: { httpUrl: string; grpcAddress: string } | undefined;
  migrate(direction?: 'up' | 'down', steps?: number): Promise<string[]>;
  /** Binds HTTP and gRPC; returns where they listen. */
  listen(): Promise<{ httpUrl: string; grpcAddress: string }>;
  /** Starts the outbox relay, event consumers and service workers. */
  startWorkers(): Promise<void>;
  /** Drains and releases everything: not ready → stop HTTP/gRPC (in-flight finish) → workers → adapters. */
  close(): Promise<void>;
}

export async function createService<P extends TProperties>(
  definition: ServiceDefinition<P>,
  options: {
    env: Env;
    logger?: Logger;
    /** Who may call which gRPC method; proto/access.yaml unless a test harness widens it. */
    access?: AccessPolicy;
  },
): Promise<Service<ServiceConfig<P>>> {
  const schema = Type.Object({ ...baseConfig, ...definition.config });
  const config = loadConfig(schema, options.env, `the ${definition.name} service`) as ServiceConfig<P>;
  const logger = options.logger ?? createLogger({ service: definition.name, level: config.LOG_LEVEL });
  const keySource =
    definition.keySource?.(config) ?? (config.AUTH_JWKS_URL ? new JwksKeySource(config.AUTH_JWKS_URL) : undefined);
  if (!keySource)
    throw new ConfigError(`invalid configuration for the ${definition.name} service:\n  - AUTH_JWKS_URL: is required`);

  let serviceKeys: ServiceKeys | undefined;
  const tls = grpcTls(config, definition.name);
  const identity = new ServiceIdentity(
    definition.name,
    () => {
      if (!serviceKeys) throw new Error(`${definition.name}: no gRPC calls before setup has returned`);
      return serviceKeys.privateKey;
    },
    tls?.client,
  );

  const metrics = createMetrics(definition.name);
  const db = new Database(config.DATABASE_URL, {
    max: config.DATABASE_POOL_MAX,
    applicationName: `${definition.name}-service`,
    logger,
    connectionTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
  });
  observePool(metrics, db.pool);
  const bus = await openBus(config.BUS_URL, { name: `${definition.name}-service`, logger });
  const cache = await openCache(config.CACHE_URL, { namespace: definition.name });
  // Revoked sessions and members, fed by the kit's revocation consumers, refused by the verifier on every request.
  const revocations = new RevocationList(cache);
  const verifier = new TokenVerifier(
    keySource,
    { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE },
    revocations,
  );
  const outbox = new Outbox(definition.name);
  const cursors = new CursorCodec(
    serviceSecret({
      service: definition.name,
      name: 'CURSOR_SECRET',
      given: config.CURSOR_SECRET,
      dataDir: config.DATA_DIR,
    }),
  );
  const context: ServiceContext<ServiceConfig<P>> = {
    name: definition.name,
    config,
    logger,
    db,
    bus,
    cache,
    outbox,
    verifier,
    metrics,
    cursors,
    identity,
  };

  // As this service: the gRPC clients setup and routes create sign their calls with its identity.
  const parts = await runAsService(identity, () => definition.setup(context));
  // Read after setup, so that a service's own missing settings are reported first.
  serviceKeys = resolveServiceKeys({
    service: definition.name,
    privateKeyPem: config.SERVICE_PRIVATE_KEY,
    peerJwks: config.SERVICE_PEER_KEYS,
    dataDir: config.DATA_DIR,
  });
  const guard = new ServiceCallGuard(definition.name, serviceKeys.peers, options.access ?? AccessPolicy.load(), logger);
  const readiness = new Readiness({
    postgres: () => db.ping(),
    bus: () => bus.ping(),
    cache: () => cache.ping(),
    ...parts.checks,
  });
  const app = await createHttpApp({
    logger,
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    metrics,
    readiness,
    verifier,
    openapi: definition.openapi,
    trustedProxies: config.TRUSTED_PROXIES,
  });
  await runAsService(identity, async () => {
    await app.register(async (scope) => parts.routes(scope as HttpApp));
    await app.ready();
  });
  const grpc = new GrpcServer(
    [...(parts.grpc ?? []), ...(parts.userData ? [userDataBinding(definition.name, parts.userData, logger)] : [])],
    { guard, duration: metrics.grpcServerDuration, ...(tls ? { credentials: tls.server } : {}) },
  );
  const consumers = [
    ...(parts.consumers ?? []),
    ...userDataConsumers(db, parts.userData),
    ...revocationConsumers(revocations),
  ];
  const workers: Worker[] = [
    ...[...kitChores(db, definition.migrations), ...(parts.chores ?? [])].map(
      (chore) => new PollingWorker(chore.run, { name: chore.name, intervalMs: chore.intervalMs, logger }),
    ),
    ...(parts.workers ?? []),
  ];
  const relay = new OutboxRelay({
    db,
    bus,
    logger,
    pollMs: config.OUTBOX_POLL_MS,
    metrics: { published: metrics.outboxPublished, backlog: metrics.outboxBacklog },
  });
  const subscriptions: BusSubscription[] = [];
  let listening = false;

  const service: Service<ServiceConfig<P>> = {
    name: definition.name,
    addresses: undefined,
    config,
    app,
    context,
    readiness,
    relay,
    migrate: (direction = 'up', steps = 1) =>
      migrate(db, {
        service: definition.name,
        migrations: [...kitMigrations, ...definition.migrations],
        direction,
        steps,
        logger,
      }),
    async listen() {
      const httpUrl = await app.listen({ host: config.HOST, port: config.HTTP_PORT });
      const grpcPort = await grpc.listen(config.HOST, config.GRPC_PORT);
      grpc.setServing(true);
      listening = true;
      const grpcAddress = `${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${grpcPort}`;
      logger.info({ httpUrl, grpcAddress }, `${definition.name} service listening`);
      service.addresses = { httpUrl, grpcAddress };
      return service.addresses;
    },
    async startWorkers() {
      relay.start();
      for (const consumer of consumers) {
        const handle = deliveryHandler(consumer, logger, (envelope) =>
          metrics.consumerLag.set({ consumer: consumer.name }, (Date.now() - Date.parse(envelope.occurredAt)) / 1000),
        );
        const maxDeliver = consumer.maxDeliver ?? DEFAULT_MAX_DELIVER;
        subscriptions.push(
          await bus.subscribe({
            subject: consumer.event.subject,
            durable: `${definition.name}-${consumer.name}`,
            ...(consumer.maxDeliver ? { maxDeliver: consumer.maxDeliver } : {}),
            handler: async (delivery) => {
              try {
                await handle(delivery);
                metrics.eventsConsumed.inc({ consumer: consumer.name, outcome: 'ok' });
              } catch (error) {
                // The bus gives the event up after this attempt (its onDeadLetter logs it): count it apart.
                const outcome = delivery.deliveryCount >= maxDeliver ? 'dead_lettered' : 'retry';
                metrics.eventsConsumed.inc({ consumer: consumer.name, outcome });
                logger.warn({ err: error, eventId: delivery.id, consumer: consumer.name }, 'event handling failed');
                throw error;
              }
            },
          }),
        );
      }
      for (const worker of workers) worker.start();
    },
    async close() {
      readiness.drain();
      grpc.setServing(false);
      await app.close();
      if (listening) await grpc.stop(config.SHUTDOWN_TIMEOUT_MS / 2);
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      await Promise.all(workers.map((worker) => worker.stop()));
      await relay.stop();
      await parts.close?.();
      await Promise.allSettled([bus.close(), cache.close()]);
      await db.close();
    },
  };
  return service;
}
