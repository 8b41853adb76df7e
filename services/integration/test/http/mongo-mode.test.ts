import { randomBytes } from 'node:crypto';
import { UserRegistered } from '@diaspora/events';
import { until } from '@diaspora/testing';
import { MongoClient } from 'mongodb';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, member, publish, startIntegration, startReceiver, userRegistered } from '../fixtures.js';

const mongoUrl = process.env.MONGO_URL;
const admin = member({}, { roles: ['super'] });

// The whole service on the MongoDB adapter (distributed mode's INTEGRATION_STORE=mongodb), when a server is at hand.
describe.skipIf(!mongoUrl)('INTEGRATION_STORE=mongodb (skipped unless MONGO_URL is set)', () => {
  const database = `integration_service_${randomBytes(4).toString('hex')}`;
  let ctx: Awaited<ReturnType<typeof startIntegration>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    const url = new URL(mongoUrl!);
    url.pathname = `/${database}`;
    receiver = await startReceiver();
    ctx = await startIntegration([admin], { INTEGRATION_STORE: 'mongodb', MONGO_URL: url.toString() });
  });
  afterAll(async () => {
    await ctx?.close();
    await receiver?.close();
    const client = await new MongoClient(mongoUrl!).connect();
    await client.db(database).dropDatabase();
    await client.close();
  });

  it('subscribes, delivers signed, logs the delivery, and reports ready', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/webhooks',
      headers: bearer(admin),
      payload: { url: receiver.url, events: ['users.user.registered'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const envelope = await publish(ctx.service, UserRegistered, userRegistered());
    const delivered = await until(() => receiver.received.find((r) => r.body.includes(envelope.id)), {
      timeoutMs: 8000,
    });
    expect(
      new Webhook(created.json().secret).verify(delivered.body, delivered.headers as Record<string, string>),
    ).toBeTruthy();
    await until(async () => {
      const log = await ctx.app.inject({
        url: `/api/v1/integrations/webhooks/${created.json().id}/deliveries`,
        headers: bearer(admin),
      });
      return log.json().items[0]?.status === 'succeeded';
    });
    expect((await ctx.app.inject({ url: '/health/ready' })).json()).toMatchObject({ status: 'ok' });
  });
});
