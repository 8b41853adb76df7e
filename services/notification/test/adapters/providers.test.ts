import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionRequested, RegistrationCanceled } from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FcmPushSender } from '../../src/adapters/push.js';
import { PushError } from '../../src/domain/ports.js';
import { deliver, fakeUser, type Harness, headersOf, now, processed, startNotificationService } from '../fixtures.js';

interface Captured {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

const GONE_TOKEN = `gone:APA91b${'g'.repeat(150)}`;
const FLAKY_TOKEN = `flaky:APA91b${'f'.repeat(150)}`;

/**
 * Local fakes of the two providers' HTTP APIs, answering as they do: FCM HTTP v1 `messages:send` (404 UNREGISTERED
 * for a token it no longer knows) and SendGrid v3 `mail/send` (202, or 401 for a wrong key).
 */
async function startProviderFakes() {
  const fcm: Captured[] = [];
  const sendgrid: Captured[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const captured = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: raw ? JSON.parse(raw) : {},
      };
      const json = (status: number, body: unknown) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (request.url?.startsWith('/v1/projects/')) {
        fcm.push(captured);
        const token = (captured.body.message as { token?: string } | undefined)?.token;
        if (token === GONE_TOKEN)
          return json(404, {
            error: {
              code: 404,
              message: 'Requested entity was not found.',
              status: 'NOT_FOUND',
              details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' }],
            },
          });
        if (token === FLAKY_TOKEN)
          return json(400, {
            error: {
              code: 400,
              message: 'Invalid argument',
              status: 'INVALID_ARGUMENT',
              details: [
                { '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'INVALID_ARGUMENT' },
              ],
            },
          });
        return json(200, { name: `${request.url.split(':')[0]!.replace('/v1/', '')}/${newId('msg')}` });
      }
      if (request.url === '/v3/mail/send') {
        sendgrid.push(captured);
        if (captured.headers.authorization !== 'Bearer SG.test-key-0123456789')
          return json(401, { errors: [{ message: 'The provided authorization grant is invalid' }] });
        return response.writeHead(202).end();
      }
      json(404, { error: 'unknown path' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, fcm, sendgrid, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const ACCOUNT = JSON.stringify({ type: 'service_account', project_id: 'diaspora-test', client_email: 'x@y.z' });

let fakes: Awaited<ReturnType<typeof startProviderFakes>>;
beforeAll(async () => {
  fakes = await startProviderFakes();
});
afterAll(async () => fakes?.stop());

describe('FCM adapter (firebase-admin) against a local FCM HTTP v1 API', () => {
  it('sends the request the SDK makes, and tells unregistered tokens from other refusals', async () => {
    const sender = new FcmPushSender({ credentialsJson: ACCOUNT, endpointOverride: fakes.url });
    const token = `ok:APA91b${'o'.repeat(150)}`;
    await sender.send({ token, userId: 'usr_x', title: 'Hello', body: 'World', data: { notificationId: 'ntf_1' } });
    const [request] = fakes.fcm.slice(-1);
    expect(request).toMatchObject({
      method: 'POST',
      url: '/v1/projects/diaspora-test/messages:send',
      headers: { authorization: 'Bearer local-fcm-token', host: 'fcm.googleapis.com' },
      body: {
        message: {
          token,
          notification: { title: 'Hello', body: 'World' },
          data: { notificationId: 'ntf_1' },
          android: { priority: 'high' },
        },
      },
    });
    const gone = await sender
      .send({ token: GONE_TOKEN, userId: 'usr_x', title: 't', body: 'b', data: {} })
      .catch((e) => e);
    expect(gone).toBeInstanceOf(PushError);
    expect(gone).toMatchObject({ unregistered: true });
    const refused = await sender
      .send({ token: FLAKY_TOKEN, userId: 'usr_x', title: 't', body: 'b', data: {} })
      .catch((e) => e);
    expect(refused).toMatchObject({
      unregistered: false,
      message: expect.stringContaining('messaging/invalid-argument'),
    });
    await sender.close();
  });

  it('refuses credentials without a project', () => {
    expect(() => new FcmPushSender({ credentialsJson: '{}' })).toThrow(/project_id/);
    expect(() => new FcmPushSender({ credentialsJson: 'nope' })).toThrow(/not JSON/);
  });
});

describe('the service with PUSH_PROVIDER=fcm and MAIL_PROVIDER=sendgrid (local fakes of both APIs)', () => {
  let h: Harness;
  const member = fakeUser({ displayName: 'Amina' });
  const kofi = fakeUser({ displayName: 'Kofi' });
  beforeAll(async () => {
    h = await startNotificationService({
      users: [member, kofi],
      env: {
        PUSH_PROVIDER: 'fcm',
        FCM_CREDENTIALS_JSON: ACCOUNT,
        FCM_ENDPOINT_OVERRIDE: fakes.url,
        MAIL_PROVIDER: 'sendgrid',
        SENDGRID_API_KEY: 'SG.test-key-0123456789',
        SENDGRID_API_URL: fakes.url,
      },
    });
  });
  afterAll(async () => h?.close());

  it('pushes through FCM (pruning the unregistered token) and emails through SendGrid; the delivery log says sent', async () => {
    const good = `good:APA91b${'k'.repeat(150)}`;
    for (const token of [good, GONE_TOKEN])
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/devices',
        headers: headersOf(member.id),
        payload: { token, platform: 'android' },
      });
    const requested = await deliver(h, ConnectionRequested, {
      requestId: newId('cnr'),
      fromUserId: kofi.id,
      toUserId: member.id,
      at: now(),
    });
    await processed(h, requested.id);
    const canceled = await deliver(h, RegistrationCanceled, {
      registrationId: newId('reg'),
      userId: member.id,
      previousStatus: 'confirmed',
      reason: 'event_canceled',
      eventId: newId('evt'),
      eventTitle: 'Gala <night>',
      eventType: 'local',
      domain: 'ict',
      startsAt: now(),
      timezone: 'Europe/Paris',
      organizerId: kofi.id,
      at: now(),
    });
    await processed(h, canceled.id);
    const db = h.service.context.db;
    await until(
      async () =>
        (await db.query(`SELECT 1 FROM deliveries WHERE recipient_id = $1 AND status = 'sent'`, [member.id])).rows
          .length === 3,
      { timeoutMs: 15_000, what: 'three sent deliveries' },
    );
    const mail = fakes.sendgrid.at(-1)!;
    expect(mail.headers.authorization).toBe('Bearer SG.test-key-0123456789');
    expect(mail.body).toMatchObject({
      personalizations: [{ to: [{ email: `${member.id}@example.test` }] }],
      subject: 'Event canceled',
    });
    const content = mail.body.content as { type: string; value: string }[];
    expect(content.map((part) => part.type)).toEqual(['text/plain', 'text/html']);
    expect(content[1]!.value).toContain('“Gala &lt;night&gt;” was canceled');
    expect(content[0]!.value).toMatch(/\/api\/v1\/notifications\/unsubscribe\?token=/);
    expect(mail.body.headers).toMatchObject({
      'List-Unsubscribe': expect.stringMatching(
        /^<http:\/\/localhost:8000\/api\/v1\/notifications\/unsubscribe\?token=/,
      ),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    const pushed = fakes.fcm.filter((r) => (r.body.message as { token: string }).token === good);
    expect(pushed.map((r) => (r.body.message as { notification: { title: string } }).notification.title)).toEqual(
      expect.arrayContaining(['New connection request', 'Event canceled']),
    );
    const { rows } = await db.query('SELECT token FROM devices WHERE user_id = $1', [member.id]);
    expect(rows).toEqual([{ token: good }]);
  }, 30_000);
});
