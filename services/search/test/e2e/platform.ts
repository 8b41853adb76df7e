import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLogger } from '@diaspora/service-kit';

const root = join(import.meta.dirname, '../../../..');

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of many shapes, asserted field by field by the test
export type Json = any;

interface RunningPlatform {
  gatewayUrl: string;
  stop(): Promise<void>;
}

/**
 * The built all-in-one host (hosts/all-in-one/dist, as `npm start` runs it) on fresh data and ephemeral ports,
 * loaded like the host loads services: from its build, so this package needs no dependency on the host.
 */
export function allInOne(name: string, services: string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), `diaspora-${name}-`));
  chmodSync(dataDir, 0o755); // reachable by the postgres user when tests run as root
  let running: RunningPlatform | undefined;
  const current = () => {
    if (!running) throw new Error('the platform is not running');
    return running;
  };
  return {
    async boot() {
      const host = pathToFileURL(join(root, 'hosts/all-in-one/dist/platform.js')).href;
      const { startAllInOne } = (await import(host)) as {
        startAllInOne(options: object): Promise<RunningPlatform>;
      };
      running = await startAllInOne({
        root,
        dataDir,
        gateway: { host: '127.0.0.1', port: 0 },
        postgresPort: 0,
        httpPortBase: 0,
        grpcPortBase: 0,
        logLevel: 'silent',
        loggerFor: (service: string) => createLogger({ service, level: 'silent' }),
        services,
        env: { BCRYPT_COST: '4' },
      });
    },
    async dispose() {
      await running?.stop();
      running = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    },
    /** One JSON call through the gateway, with a bearer token when given. */
    async api(method: string, path: string, body?: unknown, token?: string) {
      const response = await fetch(`${current().gatewayUrl}${path}`, {
        method,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
    },
  };
}
