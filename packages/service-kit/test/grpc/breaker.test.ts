import { freePort } from '@diaspora/embedded-postgres';
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { isUnavailableError } from '../../src/errors.js';
import { CircuitBreaker } from '../../src/grpc/breaker.js';
import { createClient, implement } from '../../src/grpc/protos.js';
import { GrpcServer } from '../../src/grpc/server.js';
import type { CallerIdentity } from '../../src/grpc/service-auth.js';
import { createLogger } from '../../src/logger.js';
import { USER_DATA } from './user-data.js';

const fail = (code: grpc.status) => () => Promise.reject(Object.assign(new Error(`code ${code}`), { code }));
const ok = () => Promise.resolve('ok');

describe('CircuitBreaker', () => {
  it('opens after consecutive calls finding the dependency down, then refuses at once with UNAVAILABLE', async () => {
    const now = 0;
    const breaker = new CircuitBreaker('user', { failureThreshold: 3, openMs: 1000 }, () => now);
    for (let i = 0; i < 3; i++) await expect(breaker.call(fail(grpc.status.UNAVAILABLE))).rejects.toThrow('code 14');
    expect(breaker.current).toBe('open');
    let ran = false;
    const refused = await breaker.call(async () => (ran = true)).catch((error: unknown) => error);
    expect(ran).toBe(false);
    expect(refused).toMatchObject({
      code: grpc.status.UNAVAILABLE,
      message: expect.stringContaining('circuit open for user'),
    });
    expect(isUnavailableError(refused)).toBe(true); // → the kit's 503 problem
  });

  it('half-opens after the pause: one trial call, whose success closes it and whose failure re-opens it', async () => {
    let now = 0;
    const breaker = new CircuitBreaker('user', { failureThreshold: 1, openMs: 1000 }, () => now);
    await expect(breaker.call(fail(grpc.status.DEADLINE_EXCEEDED))).rejects.toThrow();
    now = 1001;
    await expect(breaker.call(fail(grpc.status.UNAVAILABLE))).rejects.toThrow('code 14');
    expect(breaker.current).toBe('open');
    await expect(breaker.call(ok)).rejects.toThrow('circuit open');
    now = 2002;
    let release!: () => void;
    const trial = breaker.call(() => new Promise<string>((r) => (release = () => r('ok'))));
    await expect(breaker.call(ok)).rejects.toThrow('circuit open'); // only the one trial while half-open
    release();
    expect(await trial).toBe('ok');
    expect(breaker.current).toBe('closed');
    expect(await breaker.call(ok)).toBe('ok');
  });

  it('counts only "down" answers: a peer that answers NOT_FOUND is up, and a success resets the count', async () => {
    const breaker = new CircuitBreaker('user', { failureThreshold: 2 });
    await expect(breaker.call(fail(grpc.status.UNAVAILABLE))).rejects.toThrow();
    await expect(breaker.call(fail(grpc.status.NOT_FOUND))).rejects.toThrow();
    await expect(breaker.call(fail(grpc.status.UNAVAILABLE))).rejects.toThrow();
    expect(breaker.current).toBe('closed');
    for (let i = 0; i < 5; i++) await expect(breaker.call(fail(grpc.status.INVALID_ARGUMENT))).rejects.toThrow();
    expect(breaker.current).toBe('closed');
  });
});

describe('createClient with a dead dependency', () => {
  let server: GrpcServer | undefined;
  afterAll(() => server?.stop(1000));

  it('fails fast once the breaker is open, and recovers through a half-open trial when the peer is back', async () => {
    const port = await freePort();
    const caller: CallerIdentity = { name: 'tests', tokenFor: async () => 'token' };
    const client = createClient(USER_DATA, `127.0.0.1:${port}`, {
      deadlineMs: 1000,
      target: 'content',
      identity: caller,
      breaker: { failureThreshold: 3, openMs: 300 },
    });
    for (let i = 0; i < 3; i++)
      await expect(client.exportUserData({ userId: 'usr_1' })).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    const started = performance.now();
    await expect(client.exportUserData({ userId: 'usr_1' })).rejects.toThrow(/circuit open for content/);
    expect(performance.now() - started).toBeLessThan(50);

    const logger = createLogger({ service: 'test', level: 'silent' });
    server = new GrpcServer([
      implement(USER_DATA, { exportUserData: async () => ({ service: 'content', json: '{}' }) }, logger),
    ]);
    await server.listen('127.0.0.1', port);
    server.setServing(true);
    await new Promise((r) => setTimeout(r, 350));
    await expect
      .poll(() => client.exportUserData({ userId: 'usr_1' }).catch((error: Error) => error.message), {
        timeout: 10_000,
      })
      .toMatchObject({ service: 'content' });
    client.close();
  });
});
