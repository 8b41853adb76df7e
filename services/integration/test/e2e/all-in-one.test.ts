import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { Webhook } from 'standardwebhooks';
import { DAVClient } from 'tsdav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../fixtures.js';

const root = join(import.meta.dirname, '../../../..');
const SUPER = { email: 'root@diaspora.test', password: 'correct horse battery staple' };
const radicaleUrl = process.env.RADICALE_URL;
const radicalePassword = process.env.RADICALE_PASSWORD ?? '';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of many shapes, asserted field by field
type Json = any;

interface RunningPlatform {
  gatewayUrl: string;
  stop(): Promise<void>;
}
/**
 * The all-in-one host from its sources (loaded by path: it is another workspace package, outside this one's
 * typecheck); it hosts the services' built entries, so the build runs first, as npm test does.
 */
const platformModule = join(root, 'hosts/all-in-one/src/platform.ts');
const startAllInOne = async (options: object): Promise<RunningPlatform> =>
  ((await import(platformModule)) as { startAllInOne(o: object): Promise<RunningPlatform> }).startAllInOne(options);

// The "done when", through the gateway of the all-in-one platform (user, event and integration services).
describe('integrations through the all-in-one gateway', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'diaspora-integrations-'));
  chmodSync(dataDir, 0o755);
  let platform: RunningPlatform;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${platform.gatewayUrl}${path}`, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
  };

  const register = async (email: string) => {
    const registered = await api('POST', '/api/v1/users/auth/register', {
      email,
      password: 'a long passphrase here',
      displayName: email.split('@')[0],
      originCountry: 'SN',
      residenceCountry: 'FR',
      residenceCity: 'Paris',
      languages: ['fr'],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    return registered.body as { user: { id: string }; accessToken: string };
  };

  let superToken: string;
  beforeAll(async () => {
    receiver = await startReceiver();
    platform = await startAllInOne({
      root,
      dataDir,
      gateway: { host: '127.0.0.1', port: 0 },
      postgresPort: 0,
      httpPortBase: 0,
      grpcPortBase: 0,
      logLevel: 'silent',
      loggerFor: (service: string) => createLogger({ service, level: 'silent' }),
      services: ['user', 'event', 'integration'],
      env: { BCRYPT_COST: '4', SUPERUSER_EMAIL: SUPER.email, SUPERUSER_PASSWORD: SUPER.password },
    });
    let login = await api('POST', '/api/v1/users/auth/login', SUPER);
    for (let i = 0; i < 50 && login.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      login = await api('POST', '/api/v1/users/auth/login', SUPER);
    }
    expect(login.status).toBe(200);
    superToken = login.body.accessToken;
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("delivers a new member's registration to a subscribed local receiver, signed and verifiable, within 8 s", async () => {
    const subscribed = await api(
      'POST',
      '/api/v1/integrations/webhooks',
      { url: receiver.url, events: ['users.user.registered'] },
      superToken,
    );
    expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
    const { secret } = subscribed.body;
    const started = Date.now();
    const member = await register('newcomer@example.com');
    const delivery = await until(() => receiver.received.find((r) => r.body.includes(member.user.id)), {
      what: 'the signed webhook',
      timeoutMs: 8000,
    });
    expect(Date.now() - started).toBeLessThan(8000);
    const envelope = new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>) as Json;
    expect(envelope).toMatchObject({ subject: 'users.user.registered', data: { userId: member.user.id } });
  });

  it('refuses a metadata-address target', async () => {
    const refused = await api(
      'POST',
      '/api/v1/integrations/webhooks',
      { url: 'http://169.254.169.254/latest/meta-data/', events: ['users.user.registered'] },
      superToken,
    );
    expect(refused.status).toBe(400);
    // The Google OAuth callback is public (no bearer token): a bad state is the service's 400, not the gateway's 401.
    const callback = await api('GET', '/api/v1/integrations/calendar/google/callback?code=x&state=unknown');
    expect(callback.status).toBe(400);
    expect(callback.body.type).toContain('invalid-oauth-state');
    expect((await api('GET', '/api/v1/integrations/calendar')).status).toBe(401);
    const regular = await register('regular@example.com');
    const forbidden = await api('GET', '/api/v1/integrations/webhooks', undefined, regular.accessToken);
    expect(forbidden.status).toBe(403);
  });

  it('finds a discoverable member by contact import', async () => {
    const findable = await register('findable@example.com');
    // Only verified addresses are matched: verify with the code the dev outbox shows.
    const [mail] = (await api('GET', `/dev/outbox?to=${encodeURIComponent('findable@example.com')}`)).body.messages;
    const token = /code in the app: (\S+)/.exec(mail.text)![1];
    expect((await api('POST', '/api/v1/users/auth/verify-email', { token })).status).toBe(204);
    const asker = await register('asker@example.com');
    const found = await api(
      'POST',
      '/api/v1/integrations/contacts/import',
      { emailHashes: [sha('findable@example.com'), sha('nobody@example.com')] },
      asker.accessToken,
    );
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.matches).toEqual([expect.objectContaining({ userId: findable.user.id })]);
    expect(
      (await api('POST', '/api/v1/integrations/contacts/import', { emailHashes: ['xyz'] }, asker.accessToken)).status,
    ).toBe(400);
  });

  it.skipIf(!radicaleUrl)(
    'puts an event registration into a Radicale calendar (skipped unless RADICALE_URL)',
    async () => {
      const attendee = await register('attendee@example.com');
      const connected = await api(
        'PUT',
        '/api/v1/integrations/calendar/apple',
        { username: 'member3', appPassword: radicalePassword, serverUrl: radicaleUrl },
        attendee.accessToken,
      );
      expect(connected.status, JSON.stringify(connected.body)).toBe(200);
      const startsAt = new Date(Date.now() + 7 * 86_400_000);
      startsAt.setUTCHours(17, 0, 0, 0);
      const created = await api(
        'POST',
        '/api/v1/events',
        {
          title: 'Diaspora investors evening',
          description: 'Meet the investors of the diaspora',
          domain: 'commerce',
          type: 'free',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 2 * 3_600_000).toISOString(),
          timezone: 'Europe/Paris',
          capacity: 50,
          languages: ['fr'],
          online: { url: 'https://meet.example.org/investors' },
        },
        superToken,
      );
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const eventId = created.body.id as string;
      const registered = await api('POST', `/api/v1/events/${eventId}/registrations`, undefined, attendee.accessToken);
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);

      const client = new DAVClient({
        serverUrl: radicaleUrl!,
        credentials: { username: 'member3', password: radicalePassword },
        authMethod: 'Basic',
        defaultAccountType: 'caldav',
      });
      await client.login();
      const object = await until(
        async () => {
          const calendar = (await client.fetchCalendars()).find((c) => c.displayName === 'Diaspora');
          const objects = calendar ? await client.fetchCalendarObjects({ calendar }) : [];
          return objects.find((o) => o.url.endsWith(`${eventId}.ics`));
        },
        { what: 'the registration in the Radicale calendar', timeoutMs: 10_000 },
      );
      expect(object.data).toContain('SUMMARY:Diaspora investors evening');
    },
  );
});
