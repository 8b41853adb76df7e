import { randomBytes } from 'node:crypto';
import {
  createService,
  type Env,
  type Service,
  type ServiceConfig,
  type ServiceDefinition,
} from '@diaspora/service-kit';
import type { TProperties } from 'typebox';
import { freshDatabase } from './databases.js';
import { testAccessPolicy, testServiceKeyEnv } from './service-keys.js';
import { testJwksUrl, testSigningKey } from './tokens.js';

export interface TestServiceOptions {
  env?: Env;
  /** Start the outbox relay and consumers (default true). */
  workers?: boolean;
  /** Bind real HTTP and gRPC ports on loopback (default false: use `app.inject`). */
  listen?: boolean;
}

/**
 * Builds a service exactly as production does, on a fresh database of the embedded PostgreSQL, with its own
 * in-memory bus and cache. The caller closes it.
 */
export async function startTestService<P extends TProperties>(
  definition: ServiceDefinition<P>,
  options: TestServiceOptions = {},
): Promise<Service<ServiceConfig<P>>> {
  const isolation = randomBytes(4).toString('hex');
  const service = await createService(definition, {
    // Test code may call every method of the service under test; its own clients are checked as in production.
    access: testAccessPolicy(),
    env: {
      HOST: '127.0.0.1',
      HTTP_PORT: '0',
      GRPC_PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: await freshDatabase(),
      BUS_URL: `memory://test-${isolation}`,
      CACHE_URL: `memory://test-${isolation}`,
      AUTH_JWKS_URL: await testJwksUrl(),
      JWT_PRIVATE_KEY: testSigningKey().privateKeyPem,
      OUTBOX_POLL_MS: '50',
      CURSOR_SECRET: 'test-cursor-secret-0123456789abcdefghijklmnop',
      // Production's request-sized database bounds (seconds) turn a test's bulk setup, or a busy CI machine,
      // into 503s; tests of the bounds themselves set them explicitly.
      DATABASE_CONNECT_TIMEOUT_MS: '30000',
      DATABASE_STATEMENT_TIMEOUT_MS: '120000',
      DATABASE_QUERY_TIMEOUT_MS: '120000',
      ...testServiceKeyEnv(definition.name),
      ...options.env,
    },
  });
  await service.migrate();
  if (options.listen) await service.listen();
  if (options.workers !== false) await service.startWorkers();
  return service;
}
