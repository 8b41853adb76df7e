import type { TProperties } from 'typebox';
import { ConfigError } from '../config.js';
import type { Logger } from '../logger.js';
import { createService, type ServiceDefinition } from './service.js';

/**
 * Exits the process cleanly on SIGTERM/SIGINT after `close` (which drains in-flight work), or with status 1
 * when draining exceeds `timeoutMs`.
 */
export function exitOnSignal(close: () => Promise<void>, options: { logger: Logger; timeoutMs: number }): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    options.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      options.logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, options.timeoutMs);
    force.unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        options.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/**
 * Entry point of a service in distributed mode (`node dist/main.js [migrate up|down [steps]]`):
 * config from the environment, migrations, HTTP + gRPC listeners, workers, graceful shutdown.
 */
export async function runStandalone<P extends TProperties>(
  definition: ServiceDefinition<P>,
  options: { argv?: string[]; afterClose?: () => Promise<void> } = {},
): Promise<void> {
  const argv = options.argv ?? process.argv.slice(2);
  let service: Awaited<ReturnType<typeof createService<P>>>;
  try {
    service = await createService(definition, { env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const { logger } = service.context;
  if (argv[0] === 'migrate') {
    const applied = await service.migrate(argv[1] === 'down' ? 'down' : 'up', Number(argv[2] ?? 1));
    logger.info({ applied }, 'migrations done');
    await service.close();
    return;
  }
  if (service.config.MIGRATE_ON_BOOT) await service.migrate();
  // Consumers are subscribed before the ports open: a start that cannot reach JetStream fails before the service
  // ever reports ready, instead of crashing right after taking traffic.
  await service.startWorkers();
  await service.listen();
  exitOnSignal(
    async () => {
      await service.close();
      await options.afterClose?.();
    },
    { logger, timeoutMs: service.config.SHUTDOWN_TIMEOUT_MS },
  );
}
