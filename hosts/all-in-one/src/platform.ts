import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureDatabase, freePort, startEmbeddedPostgres } from '@diaspora/embedded-postgres';
import { createGateway } from '@diaspora/gateway';
import {
  ConfigError,
  createLogger,
  createService,
  type Env,
  ensureServiceKeyPair,
  isLoopback,
  type Logger,
  openCache,
  type Service,
  servicePeerJwks,
} from '@diaspora/service-kit';
import { discoverServices } from './discovery.js';
import { ensureSigningKey } from './keys.js';
import { StartupProblem } from './preflight.js';

export interface AllInOneOptions {
  /** Repository root (services/ and kong/ are found there). */
  root: string;
  dataDir: string;
  /** Relative to `root` unless absolute; default kong/kong.yml. */
  kongConfig?: string;
  gateway: { host: string; port: number };
  postgresPort: number;
  /** 0 = free ports. */
  httpPortBase: number;
  grpcPortBase: number;
  logLevel: string;
  /** Builds each service's (and the gateway's) logger. */
  loggerFor?: (service: string) => Logger;
  services?: string[];
  /** Extra environment for every service (tests lower BCRYPT_COST, say); wins over process env. */
  env?: Env;
  /** Serve the local providers' captured mail/SMS at the gateway's GET /dev/outbox (default true; loopback only). */
  devOutbox?: boolean;
  /** Proxies in front of the gateway whose X-Forwarded-For hops it keeps. */
  gatewayTrustedProxies?: string[];
  gatewayHstsMaxAgeSeconds?: number;
  /** Base of links in mail and calendars; default: the gateway's own address. */
  publicBaseUrl?: string;
}

export interface RunningPlatform {
  gatewayUrl: string;
  services: { name: string; httpUrl: string; grpcAddress: string; service: Service }[];
  postgres: { port: number };
  stop(): Promise<void>;
}

const BUS_URL = 'memory://all-in-one';

/** The host name links use: people open `localhost`, not a wildcard bind address. */
function linkHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '127.0.0.1' || host === '::1') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
const CACHE_URL = 'memory://all-in-one';

/**
 * Boots the whole platform in one process: embedded PostgreSQL (one database per service), every service on its
 * own loopback HTTP and gRPC ports (talking to each other over real gRPC), in-memory bus and cache shared
 * in-process, and the gateway configured from kong/kong.yml.
 */
export async function startAllInOne(options: AllInOneOptions): Promise<RunningPlatform> {
  const devOutbox = options.devOutbox ?? true;
  if (devOutbox && !isLoopback(options.gateway.host))
    throw new ConfigError(
      `invalid configuration for the all-in-one host:\n  - DEV_OUTBOX: shows everyone's reset and verification ` +
        `links, so it is served on a loopback GATEWAY_HOST only (got ${options.gateway.host}); set DEV_OUTBOX=false`,
    );
  // The gateway's port is fixed before services start, so their links (PUBLIC_BASE_URL) name where it listens.
  const gatewayPort = options.gateway.port || (await freePort());
  const publicBaseUrl = options.publicBaseUrl ?? `http://${linkHost(options.gateway.host)}:${gatewayPort}`;
  const loggerFor = options.loggerFor ?? ((service: string) => createLogger({ service, level: options.logLevel }));
  const log = loggerFor('all-in-one');
  const dataDir = resolve(options.root, options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const key = ensureSigningKey(dataDir);
  const postgresPort = options.postgresPort || (await freePort());
  // PostgreSQL's own last words explain a failed start (a damaged data directory, no shared memory…).
  const postgresLog: string[] = [];
  const postgres = await startEmbeddedPostgres({
    dataDir: join(dataDir, 'postgres'),
    port: postgresPort,
    persistent: true,
    onLog: (line) => {
      for (const part of line.split('\n').filter((text) => text.trim())) postgresLog.push(part.trimEnd());
      if (postgresLog.length > 12) postgresLog.splice(0, postgresLog.length - 12);
      log.debug({ postgres: line.trim() }, 'postgres');
    },
  }).catch((error: unknown) => {
    throw new StartupProblem(
      `PostgreSQL did not start (${error instanceof Error ? error.message : String(error)}). Its last lines:`,
      `Its data is in ${join(dataDir, 'postgres')}: fix what it says, or start on an empty DATA_DIR.`,
      postgresLog.length ? postgresLog : ['(it wrote nothing)'],
    );
  });
  const stopList: (() => Promise<void>)[] = [() => postgres.stop()];
  const stopAll = async () => {
    for (const stop of stopList.reverse())
      await stop().catch((error: unknown) => log.error({ err: error }, 'stop failed'));
  };

  try {
    const discovered = await discoverServices(options.root, options.services);
    const ports = await Promise.all(
      discovered.map(async ({ index }) => ({
        http: options.httpPortBase ? options.httpPortBase + index + 1 : await freePort(),
        grpc: options.grpcPortBase ? options.grpcPortBase + index + 1 : await freePort(),
      })),
    );
    // Every service learns where its peers are, as it would from Kubernetes DNS.
    const peers: Env = Object.fromEntries(
      discovered.map(({ name }, i) => [`${name.toUpperCase()}_GRPC_ADDR`, `127.0.0.1:${ports[i]!.grpc}`]),
    );
    const userIndex = discovered.findIndex(({ name }) => name === 'user');
    const jwksUrl = `http://127.0.0.1:${ports[userIndex]?.http ?? 0}/.well-known/jwks.json`;
    // Each hosted service signs its internal gRPC calls with its own key (kept under DATA_DIR/service-keys) and
    // knows every other one's public key, as the distributed deployment's secrets give them.
    const serviceKeys = Object.fromEntries(discovered.map(({ name }) => [name, ensureServiceKeyPair(dataDir, name)]));
    const peerKeys = servicePeerJwks(
      Object.fromEntries(Object.entries(serviceKeys).map(([name, pair]) => [name, pair.publicKeyPem])),
    );

    const services: RunningPlatform['services'] = [];
    for (const [i, { name, definition }] of discovered.entries()) {
      const database = `diaspora_${name}`;
      await ensureDatabase(postgres.adminUrl, database);
      const service = await createService(definition, {
        logger: loggerFor(name),
        env: {
          // Links in mail and calendars name the gateway (the user service's own URL settings default to it here).
          PUBLIC_APP_URL: publicBaseUrl,
          PUBLIC_API_URL: publicBaseUrl,
          ...process.env,
          PUBLIC_BASE_URL: publicBaseUrl,
          ...peers,
          HOST: '127.0.0.1',
          // Only the gateway, on this machine, reaches the services: only its X-Forwarded-For is believed.
          TRUSTED_PROXIES: 'loopback',
          HTTP_PORT: String(ports[i]!.http),
          GRPC_PORT: String(ports[i]!.grpc),
          LOG_LEVEL: options.logLevel,
          DATABASE_URL: postgres.urlFor(database),
          BUS_URL,
          CACHE_URL,
          AUTH_JWKS_URL: jwksUrl,
          JWT_PRIVATE_KEY: key.privateKeyPem,
          SERVICE_PRIVATE_KEY: serviceKeys[name]!.privateKeyPem,
          SERVICE_PEER_KEYS: peerKeys,
          OUTBOX_POLL_MS: '250',
          // Services keep local files (media, generated signing secrets) under the host's data directory.
          DATA_DIR: dataDir,
          // The user service asks every other hosted service for its part of a GDPR export (commonV1.UserData).
          USER_DATA_EXPORT_PEERS: discovered
            .flatMap((peer, p) => (p === i ? [] : [`${peer.name}=127.0.0.1:${ports[p]!.grpc}`]))
            .join(','),
          ...options.env,
        },
      });
      stopList.push(() => service.close());
      await service.migrate();
      const { httpUrl, grpcAddress } = await service.listen();
      await service.startWorkers();
      services.push({ name, httpUrl, grpcAddress, service });
    }

    const gatewayCache = await openCache(CACHE_URL, { namespace: 'gateway' });
    stopList.push(() => gatewayCache.close());
    const gateway = await createGateway({
      kongConfigPath: resolve(options.root, options.kongConfig ?? 'kong/kong.yml'),
      env: { ...process.env, JWT_PUBLIC_KEY: key.publicKeyPem },
      upstreams: Object.fromEntries(services.map(({ name, httpUrl }) => [`${name}-service`, httpUrl])),
      onlyListedUpstreams: true,
      cache: gatewayCache,
      logger: loggerFor('gateway'),
      devOutbox,
      trustedProxies: options.gatewayTrustedProxies ?? [],
      hstsMaxAgeSeconds: options.gatewayHstsMaxAgeSeconds ?? 0,
    });
    stopList.push(() => gateway.close());
    const gatewayUrl = await gateway.listen({ host: options.gateway.host, port: gatewayPort });
    return { gatewayUrl, services, postgres: { port: postgresPort }, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
