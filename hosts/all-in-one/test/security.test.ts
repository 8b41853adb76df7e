import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllInOne } from '../src/platform.js';
import { testPlatform } from './fixtures.js';

// The per-IP login throttle low enough to reach, the per-account one out of the way (each attempt uses a new email).
const platform = testPlatform('security', {
  services: ['user', 'event'],
  env: { LOGIN_MAX_FAILURES_PER_IP: '3', LOGIN_MAX_FAILURES_PER_ACCOUNT: '50' },
});
beforeAll(() => platform.boot());
afterAll(() => platform.dispose());

const newcomer = (email: string) => ({
  email,
  password: 'a long passphrase here',
  displayName: 'Awa Diop',
  originCountry: 'SN',
  residenceCountry: 'FR',
  residenceCity: 'Lyon',
  languages: ['fr'],
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${platform.gatewayUrl}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe('X-Forwarded-For through the gateway', () => {
  it('rotating it does not escape the per-IP login throttle', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const attempt = await call(
        'POST',
        '/api/v1/users/auth/login',
        { email: `nobody${i}@example.com`, password: 'not the password at all' },
        { 'x-forwarded-for': `198.51.100.${i + 1}` },
      );
      statuses.push(attempt.status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429, 429]);
  });

  it('cannot forge the address stored on a session', async () => {
    const registered = await call('POST', '/api/v1/users/auth/register', newcomer('awa.diop@example.com'), {
      'x-forwarded-for': '6.6.6.6',
      'x-real-ip': '6.6.6.6',
    });
    expect(registered.status).toBe(201);
    const sessions = await call('GET', '/api/v1/users/me/sessions', undefined, {
      authorization: `Bearer ${registered.body.accessToken}`,
    });
    expect(sessions.status).toBe(200);
    const addresses = sessions.body.items.map((session: { ip?: string }) => session.ip);
    expect(addresses).not.toContain('6.6.6.6');
    expect(addresses).toContain('127.0.0.1');
  });
});

describe('links and development endpoints', () => {
  it('builds calendar links from the gateway address it actually listens on', async () => {
    const registered = await call('POST', '/api/v1/users/auth/register', newcomer('links@example.com'));
    const feed = await call('POST', '/api/v1/events/calendar/feed', undefined, {
      authorization: `Bearer ${registered.body.accessToken}`,
    });
    expect(feed.status).toBe(201);
    const port = new URL(platform.gatewayUrl).port;
    expect(feed.body.url).toMatch(new RegExp(`^http://localhost:${port}/api/v1/events/calendar/cal_`));
  });

  it('builds mail links from it too', async () => {
    await call('POST', '/api/v1/users/auth/register', newcomer('mail.links@example.com'));
    const outbox = await call('GET', '/dev/outbox?to=mail.links@example.com');
    expect(outbox.status).toBe(200);
    const port = new URL(platform.gatewayUrl).port;
    const text = outbox.body.messages.map((message: { text: string }) => message.text).join('\n');
    expect(text).toContain(`http://localhost:${port}/`);
    expect(text).not.toContain('localhost:8000');
  });

  it('refuses to boot with the dev outbox on and a gateway reachable beyond loopback', async () => {
    await expect(
      startAllInOne({
        root: '.',
        dataDir: '/nonexistent',
        gateway: { host: '0.0.0.0', port: 0 },
        postgresPort: 0,
        httpPortBase: 0,
        grpcPortBase: 0,
        logLevel: 'silent',
      }),
    ).rejects.toThrow(/DEV_OUTBOX/);
  });
});
