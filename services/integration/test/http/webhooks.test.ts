import { UserRegistered, UserVerified } from '@diaspora/events';
import { until } from '@diaspora/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, member, publish, startIntegration, startReceiver, userRegistered } from '../fixtures.js';

const admin = member({}, { roles: ['super'] });
const regular = member();
const BASE = '/api/v1/integrations/webhooks';

describe('outbound webhooks', () => {
  let ctx: Awaited<ReturnType<typeof startIntegration>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    ctx = await startIntegration([admin, regular]);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await ctx?.close();
  });

  const subscribe = (payload: object, who = admin) =>
    ctx.app.inject({ method: 'POST', url: BASE, headers: bearer(who), payload });

  it('is for super users only', async () => {
    expect((await subscribe({ url: receiver.url, events: ['users.user.registered'] }, regular)).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: BASE })).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'GET', url: BASE, headers: bearer(regular) })).statusCode).toBe(403);
  });

  it('accepts declared subjects and wildcards over them, and refuses unknown ones', async () => {
    const unknown = await subscribe({ url: receiver.url, events: ['users.user.registered', 'users.user.teleported'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json().errors).toEqual([
      { field: '/events/1', message: expect.stringContaining('users.user.teleported') },
    ]);
    expect((await subscribe({ url: receiver.url, events: ['nothing.>'] })).statusCode).toBe(400);
    expect((await subscribe({ url: receiver.url, events: ['users.*.>x'] })).statusCode).toBe(400);
    const wildcard = await subscribe({ url: receiver.url, events: ['events.registration.*', 'payments.>'] });
    expect(wildcard.statusCode, wildcard.body).toBe(201);
    await ctx.app.inject({ method: 'DELETE', url: `${BASE}/${wildcard.json().id}`, headers: bearer(admin) });
  });

  it('refuses link-local and metadata targets, and malformed URLs', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest',
      'http://100.100.100.200/',
      'http://[::ffff:169.254.169.254]/',
      'http://0.0.0.0:8080/',
      'ftp://example.com/x',
      'http://user:pw@example.com/',
    ]) {
      const response = await subscribe({ url, events: ['users.user.registered'] });
      expect(response.statusCode, url).toBe(400);
    }
  });

  it('delivers a matching event signed the Standard Webhooks way, logs it, and replays it on demand', async () => {
    const created = await subscribe({ url: receiver.url, events: ['users.user.*'] });
    expect(created.statusCode, created.body).toBe(201);
    const { id, secret } = created.json();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const listed = await ctx.app.inject({ method: 'GET', url: BASE, headers: bearer(admin) });
    expect(listed.json().items.find((s: { id: string }) => s.id === id)).toMatchObject({ status: 'active' });
    expect(JSON.stringify(listed.json())).not.toContain(secret);

    const envelope = await publish(ctx.service, UserRegistered, userRegistered());
    const delivered = await until(() => receiver.received.find((r) => r.body.includes(envelope.id)), {
      what: 'the webhook delivery',
      timeoutMs: 8000,
    });
    // As a receiver would: verify with the secret it was given.
    const verified = new Webhook(secret).verify(delivered.body, delivered.headers as Record<string, string>);
    expect(verified).toMatchObject({
      id: envelope.id,
      subject: 'users.user.registered',
      data: { displayName: 'Awa Diop' },
    });
    expect(delivered.headers['webhook-id']).toBe(envelope.id);
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(
        delivered.body,
        delivered.headers as Record<string, string>,
      ),
    ).toThrow();

    const log = await until(async () => {
      const page = await ctx.app.inject({ url: `${BASE}/${id}/deliveries`, headers: bearer(admin) });
      const item = page.json().items.find((d: { eventId: string }) => d.eventId === envelope.id);
      return item?.status === 'succeeded' ? item : undefined;
    });
    expect(log.attempts).toEqual([expect.objectContaining({ outcome: 'ok', statusCode: 200 })]);

    const before = receiver.received.length;
    const replay = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/${id}/deliveries/${log.id}/replay`,
      headers: bearer(admin),
    });
    expect(replay.statusCode, replay.body).toBe(202);
    const again = await until(() => receiver.received.slice(before).find((r) => r.body.includes(envelope.id)), {
      what: 'the replayed delivery',
    });
    expect(again.headers['webhook-id']).toBe(envelope.id);
    expect(new Webhook(secret).verify(again.body, again.headers as Record<string, string>)).toBeTruthy();

    // Only subjects subscribed to are delivered.
    await ctx.app.inject({ method: 'DELETE', url: `${BASE}/${id}`, headers: bearer(admin) });
    expect((await ctx.app.inject({ method: 'DELETE', url: `${BASE}/${id}`, headers: bearer(admin) })).statusCode).toBe(
      404,
    );
    const after = receiver.received.length;
    await publish(ctx.service, UserVerified, {
      userId: 'usr_x',
      channel: 'email',
      verifiedAt: new Date().toISOString(),
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received.length).toBe(after);
  });

  it('pages the delivery log with signed cursors', async () => {
    const created = await subscribe({ url: receiver.url, events: ['users.user.verified'] });
    const { id } = created.json();
    for (let i = 0; i < 3; i++)
      await publish(ctx.service, UserVerified, {
        userId: `usr_${i}`,
        channel: 'email',
        verifiedAt: new Date().toISOString(),
      });
    await until(async () => {
      const page = await ctx.app.inject({ url: `${BASE}/${id}/deliveries?limit=10`, headers: bearer(admin) });
      return page.json().items.length === 3;
    });
    const first = await ctx.app.inject({ url: `${BASE}/${id}/deliveries?limit=2`, headers: bearer(admin) });
    expect(first.json().items).toHaveLength(2);
    const second = await ctx.app.inject({
      url: `${BASE}/${id}/deliveries?limit=2&cursor=${encodeURIComponent(first.json().nextCursor)}`,
      headers: bearer(admin),
    });
    expect(second.json().items).toHaveLength(1);
    expect(second.json().nextCursor).toBeUndefined();
    const forged = await ctx.app.inject({ url: `${BASE}/${id}/deliveries?cursor=abc.def`, headers: bearer(admin) });
    expect(forged.statusCode).toBe(400);
    expect((await ctx.app.inject({ url: `${BASE}/whk_nope/deliveries`, headers: bearer(admin) })).statusCode).toBe(404);
  });
});

describe('private targets where the operator refuses them', () => {
  let ctx: Awaited<ReturnType<typeof startIntegration>>;
  beforeAll(async () => {
    ctx = await startIntegration([admin], { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' });
  });
  afterAll(async () => ctx?.close());

  it('refuses loopback and private addresses', async () => {
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://10.1.2.3/x',
      'http://192.168.1.1/',
      'http://[::1]/x',
      'http://localhost/x',
    ]) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: BASE,
        headers: bearer(admin),
        payload: { url, events: ['users.user.registered'] },
      });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().type).toContain('refused-target');
    }
  });
});
