import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, createLogger, exitOnSignal, loadConfig } from '@diaspora/service-kit';
import pino from 'pino';
import { hostConfig } from './config.js';
import { localSuperUser, runDemoSeed } from './demo.js';
import { startAllInOne } from './platform.js';
import { checkDataDir, checkKongConfig, checkNode, checkPorts, lockDataDir, StartupProblem } from './preflight.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const started = performance.now();

let config: ReturnType<typeof loadConfig<typeof hostConfig>>;
try {
  config = loadConfig(hostConfig, process.env, 'the all-in-one host');
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const pretty = config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && process.stdout.isTTY);
const destination = pretty
  ? pino.transport({
      target: 'pino-pretty',
      options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname', messageKey: 'msg' },
    })
  : undefined;
const loggerFor = (service: string) =>
  createLogger({ service, level: config.LOG_LEVEL, ...(destination ? { destination } : {}) });
const log = loggerFor('all-in-one');

const dataDir = resolve(root, config.DATA_DIR);
// SEED=demo fills an empty platform only; an existing data directory keeps what it has.
const demo = process.env.SEED === 'demo' && !existsSync(join(dataDir, 'postgres'));

/** The ports fixed by configuration, each with the setting that moves it (0 means "any free port"). */
function fixedPorts() {
  const count = config.SERVICES?.length ?? readdirSync(join(root, 'services')).length;
  const range = (base: number, what: string, setting: string) =>
    base ? Array.from({ length: count }, (_, i) => ({ port: base + i + 1, what, setting })) : [];
  return [
    { port: config.GATEWAY_PORT, what: 'the gateway', setting: 'GATEWAY_PORT' },
    { port: config.POSTGRES_PORT, what: 'PostgreSQL', setting: 'POSTGRES_PORT' },
    ...range(config.SERVICE_HTTP_PORT_BASE, 'services’ HTTP', 'SERVICE_HTTP_PORT_BASE'),
    ...range(config.SERVICE_GRPC_PORT_BASE, 'services’ gRPC', 'SERVICE_GRPC_PORT_BASE'),
  ];
}

let unlock = () => {};
try {
  checkNode();
  checkDataDir(dataDir);
  checkKongConfig(resolve(root, config.KONG_CONFIG));
  unlock = lockDataDir(dataDir);
  await checkPorts(config.GATEWAY_HOST, fixedPorts());
  const superUser = localSuperUser(dataDir, process.env);
  const platform = await startAllInOne({
    root,
    dataDir: config.DATA_DIR,
    kongConfig: config.KONG_CONFIG,
    gateway: { host: config.GATEWAY_HOST, port: config.GATEWAY_PORT },
    postgresPort: config.POSTGRES_PORT,
    httpPortBase: config.SERVICE_HTTP_PORT_BASE,
    grpcPortBase: config.SERVICE_GRPC_PORT_BASE,
    logLevel: config.LOG_LEVEL,
    loggerFor,
    devOutbox: config.DEV_OUTBOX,
    // The demo seed speaks as many members from this machine (X-Forwarded-For), each within its own rate limits.
    gatewayTrustedProxies:
      demo && config.GATEWAY_TRUSTED_PROXIES.length === 0 ? ['loopback'] : config.GATEWAY_TRUSTED_PROXIES,
    env: { SUPERUSER_EMAIL: superUser.email, SUPERUSER_PASSWORD: superUser.password },
    gatewayHstsMaxAgeSeconds: config.GATEWAY_HSTS_MAX_AGE_SECONDS,
    ...(config.PUBLIC_BASE_URL ? { publicBaseUrl: config.PUBLIC_BASE_URL } : {}),
    ...(config.SERVICES ? { services: config.SERVICES } : {}),
  });
  const api = platform.gatewayUrl.replace('127.0.0.1', 'localhost');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const lines = [
    '',
    `  Diaspora Community Platform is running (all-in-one, ready in ${seconds}s)`,
    '',
    `  API       ${api}/api/v1/…`,
    `  Docs      ${api}/docs`,
    `  OpenAPI   ${api}/openapi.json`,
    `  Data      ${relative(process.cwd(), resolve(root, config.DATA_DIR)) || '.'}/ (PostgreSQL on 127.0.0.1:${platform.postgres.port})`,
    '  Services',
    ...platform.services.map(
      ({ name, httpUrl, grpcAddress }) => `    ${name.padEnd(13)} ${httpUrl}  gRPC ${grpcAddress}`,
    ),
    '',
    `  Super     ${superUser.email}${superUser.file ? ` (password in ${relative(process.cwd(), superUser.file)})` : ''}`,
    '',
    '  Stop with Ctrl+C.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  exitOnSignal(
    async () => {
      await platform.stop();
      unlock();
    },
    { logger: log, timeoutMs: 20_000 },
  );
  if (demo) await runDemoSeed(root, api, dataDir);
} catch (error) {
  unlock();
  // People at a terminal get the cause and the remedy; the full error stays in the log for the rest.
  if (error instanceof StartupProblem) console.error(error.render());
  else if (error instanceof ConfigError) console.error(error.message);
  else log.fatal({ err: error }, 'the platform could not start');
  process.exitCode = 1;
  // Handles left by a half-started platform must not keep the process alive.
  setTimeout(() => process.exit(1), 200).unref();
}
