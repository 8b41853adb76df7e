import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freshDatabase, startServiceProcess, testJwksUrl } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeUser, startUsers, TestClient, tokenFor } from './fixtures.js';

// The distributed-mode entry point as a real process: config errors, storage defaults, and a SIGTERM that tells
// connected devices to reconnect elsewhere (1012) before exiting 0.
const main = join(import.meta.dirname, '../dist/main.js');
const amina = fakeUser('Amina');
let users: Awaited<ReturnType<typeof startUsers>>;
let env: Record<string, string>;

beforeAll(async () => {
  users = await startUsers([amina]);
  env = {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    HTTP_PORT: String(await freePort()),
    GRPC_PORT: String(await freePort()),
    DATABASE_URL: await freshDatabase(),
    BUS_URL: 'memory://',
    CACHE_URL: 'memory://',
    AUTH_JWKS_URL: await testJwksUrl(),
    USER_GRPC_ADDR: users.address,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'messaging-main-')),
  };
});
afterAll(() => users?.stop());

describe('node services/messaging/dist/main.js', () => {
  it('stops with a clear message when it has nowhere to keep media', () => {
    const { DATA_DIR: _dataDir, ...withoutDataDir } = env;
    // Without DATA_DIR the cursor secret must be given too (the kit's base config): the media error is the subject.
    const cursorSecret = { CURSOR_SECRET: 'a-test-cursor-secret-of-at-least-32-chars' };
    const result = spawnSync(process.execPath, [main], {
      env: { ...withoutDataDir, ...cursorSecret },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/STORAGE_URL: is required \(or DATA_DIR/);
    const missingPeer = spawnSync(process.execPath, [main], { env: { ...env, USER_GRPC_ADDR: '' }, encoding: 'utf8' });
    expect(missingPeer.status).toBe(1);
    expect(missingPeer.stderr).toMatch(/USER_GRPC_ADDR: is required/);
  });

  it('serves the socket and, on SIGTERM, closes it with 1012 (reconnect elsewhere) and exits 0', async () => {
    const base = `http://127.0.0.1:${env.HTTP_PORT}`;
    const { child, exited } = await startServiceProcess(main, env, `${base}/health/ready`);
    const ready = (await (await fetch(`${base}/health/ready`)).json()) as { checks: Record<string, unknown> };
    expect(Object.keys(ready.checks)).toEqual(expect.arrayContaining(['realtime', 'presence', 'storage']));

    const client = await TestClient.connect(base, tokenFor(amina));
    expect(await client.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
    child.kill('SIGTERM');
    expect(await client.waitClosed(10_000)).toMatchObject({ code: 1012 });
    expect(await exited).toBe(0);
  });
});
