import { createLogger, devOutbox, MemoryCache } from '@diaspora/service-kit';
import { testSigningKey } from '@diaspora/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from '../src/gateway.js';
import { writeKongConfig } from './fixtures.js';

const gateways: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  devOutbox.clear();
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

async function gateway(enabled: boolean | undefined, host = '127.0.0.1') {
  const app = await createGateway({
    kongConfigPath: writeKongConfig(),
    env: { JWT_PUBLIC_KEY: testSigningKey().publicKeyPem },
    cache: new MemoryCache(),
    logger: createLogger({ service: 'gateway', level: 'silent' }),
    ...(enabled === undefined ? {} : { devOutbox: enabled }),
  });
  gateways.push(app);
  const url = await app.listen({ host, port: 0 });
  const port = new URL(url).port;
  return {
    app,
    get: (path: string, headers: Record<string, string> = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, { headers }).then(async (response) => ({
        statusCode: response.status,
        body: await response.text(),
      })),
  };
}

async function read(response: Promise<{ statusCode: number; body: string }>) {
  const { statusCode, body } = await response;
  return { statusCode, body, json: () => JSON.parse(body) };
}

describe('GET /dev/outbox', () => {
  it('lists what local adapters captured, newest first, filtered by recipient and channel', async () => {
    devOutbox.record({ channel: 'email', service: 'user', to: 'amina@example.com', subject: 'Verify', text: 'link 1' });
    devOutbox.record({ channel: 'sms', service: 'user', to: '+221771234567', text: 'code 123456' });
    devOutbox.record({ channel: 'email', service: 'user', to: 'kofi@example.com', subject: 'Verify', text: 'link 2' });
    const { get } = await gateway(true);

    const all = await read(get('/dev/outbox'));
    expect(all.statusCode).toBe(200);
    expect(all.json().messages.map((message: { text: string }) => message.text)).toEqual([
      'link 2',
      'code 123456',
      'link 1',
    ]);
    const forAmina = await read(get('/dev/outbox?to=AMINA@example.com'));
    expect(forAmina.json().messages).toEqual([expect.objectContaining({ subject: 'Verify', text: 'link 1' })]);
    const sms = await read(get('/dev/outbox?channel=sms'));
    expect(sms.json().messages).toEqual([expect.objectContaining({ to: '+221771234567' })]);
  });

  it('does not exist unless enabled', async () => {
    devOutbox.record({ channel: 'email', service: 'user', to: 'amina@example.com', subject: 'Verify', text: 'secret' });
    for (const enabled of [undefined, false]) {
      const response = await (await gateway(enabled)).get('/dev/outbox');
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('secret');
    }
  });

  it('answers only loopback clients, whatever X-Forwarded-For claims', async () => {
    devOutbox.record({ channel: 'email', service: 'user', to: 'amina@example.com', subject: 'Reset', text: 'secret' });
    const { app } = await gateway(true);
    for (const headers of [{}, { 'x-forwarded-for': '127.0.0.1' }]) {
      const remote = await app.inject({ url: '/dev/outbox', remoteAddress: '203.0.113.7', headers });
      expect(remote.statusCode).toBe(404);
      expect(remote.body).not.toContain('secret');
    }
  });

  it('is not served while the gateway listens beyond loopback, even to a local client', async () => {
    devOutbox.record({ channel: 'email', service: 'user', to: 'amina@example.com', subject: 'Reset', text: 'secret' });
    const response = await (await gateway(true, '0.0.0.0')).get('/dev/outbox');
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('secret');
  });
});
