import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, createLogger, exitOnSignal, loadConfig } from '@diaspora/service-kit';
import pino from 'pino';
import { hostConfig } from './config.js';
import { startAllInOne } from './platform.js';

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

try {
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
    gatewayTrustedProxies: config.GATEWAY_TRUSTED_PROXIES,
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
    '  Stop with Ctrl+C.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  exitOnSignal(() => platform.stop(), { logger: log, timeoutMs: 20_000 });
} catch (error) {
  if (error instanceof ConfigError) console.error(error.message);
  else log.fatal({ err: error }, 'the platform could not start');
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 200).unref();
}
