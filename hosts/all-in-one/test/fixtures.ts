import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@diaspora/service-kit';
import { type RunningPlatform, startAllInOne } from '../src/platform.js';

const root = join(import.meta.dirname, '../../..');

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of many shapes, asserted field by field by the tests
export type Json = any;

export interface GatewayAnswer {
  status: number;
  headers: Headers;
  body: Json;
}

/**
 * The all-in-one platform as tests drive it: fresh data in a temporary directory (reachable by the postgres user
 * when tests run as root), ephemeral ports, silent logs. `boot` again after `stop` restarts on the same data;
 * `dispose` stops it and removes the data.
 */
export function testPlatform(name: string, options: { services?: string[]; env?: Record<string, string> } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), `diaspora-${name}-`));
  chmodSync(dataDir, 0o755);
  let running: RunningPlatform | undefined;
  const current = () => {
    if (!running) throw new Error('the test platform is not running');
    return running;
  };
  return {
    async boot() {
      running = await startAllInOne({
        root,
        dataDir,
        gateway: { host: '127.0.0.1', port: 0 },
        postgresPort: 0,
        httpPortBase: 0,
        grpcPortBase: 0,
        logLevel: 'silent',
        loggerFor: (service) => createLogger({ service, level: 'silent' }),
        ...(options.services ? { services: options.services } : {}),
        env: { BCRYPT_COST: '4', ...options.env },
      });
    },
    async stop() {
      await running?.stop();
      running = undefined;
    },
    async dispose() {
      await this.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    get gatewayUrl() {
      return current().gatewayUrl;
    },
    /** The hosted services and where they listen. */
    get services() {
      return current().services;
    },
    /** One JSON call through the gateway, with a bearer token when given. */
    async api(method: string, path: string, body?: unknown, token?: string): Promise<GatewayAnswer> {
      const response = await fetch(`${current().gatewayUrl}${path}`, {
        method,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: (text ? JSON.parse(text) : undefined) as Json,
      };
    },
  };
}
