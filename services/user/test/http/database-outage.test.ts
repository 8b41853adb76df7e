import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedServer, ensureDatabase, freePort, startEmbeddedPostgres } from '@diaspora/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { register, startUserService, type UserTestService } from '../fixtures.js';

// A PostgreSQL of its own, so this file can take it away without disturbing the other tests.
let postgres: EmbeddedServer;
let service: UserTestService;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'diaspora-outage-'));
  postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: true });
  await ensureDatabase(postgres.adminUrl, 'users');
  service = await startUserService({ env: { DATABASE_URL: postgres.urlFor('users') } });
});
afterAll(async () => {
  await service?.close();
  await postgres?.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

it('answers 503 without internals while PostgreSQL is down, and recovers when it returns', async () => {
  const session = await register(service.app);
  const login = () =>
    service.app.inject({
      method: 'POST',
      url: '/api/v1/users/auth/login',
      payload: { email: session.user.email, password: session.password },
    });
  expect((await login()).statusCode).toBe(200);

  await postgres.stop();
  const ready = await service.app.inject({ url: '/health/ready' });
  expect(ready.statusCode).toBe(503);
  expect(ready.json().checks.postgres.status).toBe('down');
  const live = await service.app.inject({ url: '/health/live' });
  expect(live.statusCode).toBe(200);

  const during = await login();
  expect(during.statusCode).toBe(503);
  expect(during.headers['retry-after']).toBeDefined();
  expect(during.headers['content-type']).toContain('application/problem+json');
  expect(during.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres|stack|at /i);

  await postgres.start();
  expect((await login()).statusCode).toBe(200);
  expect((await service.app.inject({ url: '/health/ready' })).statusCode).toBe(200);
});
