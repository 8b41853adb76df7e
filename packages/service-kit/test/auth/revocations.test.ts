import { type EventData, type EventDefinition, RoleRevoked, SessionRevoked, UserSuspended } from '@diaspora/events';
import { buildEnvelope, defineService, encodeEnvelope, type Service } from '@diaspora/service-kit';
import { issueTestToken, startTestService, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Any service: one authenticated route, and the kit's deny-list consumers it gets without asking. */
const guarded = defineService({
  name: 'guarded',
  openapi: { title: 'Guarded', description: 'test service', version: '1.0.0' },
  config: {},
  migrations: [],
  async setup() {
    return {
      async routes(app) {
        app.get('/mine', { onRequest: app.authenticate }, async (request) => ({ sub: request.auth!.sub }));
      },
    };
  },
});

let service: Service;
beforeAll(async () => {
  service = await startTestService(guarded);
});
afterAll(() => service?.close());

const status = async (token: string) =>
  (await service.app.inject({ url: '/mine', headers: { authorization: `Bearer ${token}` } })).statusCode;

async function publish<D extends EventDefinition>(event: D, data: EventData<D>) {
  const envelope = buildEnvelope('user', event, data);
  await service.context.bus.publish({ id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) });
}

const now = () => new Date().toISOString();

describe('the kit deny-list (every service refuses revoked tokens)', () => {
  it('refuses the tokens of a revoked session, and only those', async () => {
    const ended = issueTestToken({ sub: 'usr_a', sid: 'ses_ended' });
    const other = issueTestToken({ sub: 'usr_a', sid: 'ses_other' });
    expect(await status(ended)).toBe(200);
    await publish(SessionRevoked, { userId: 'usr_a', sessionId: 'ses_ended', reason: 'logout', at: now() });
    await until(async () => (await status(ended)) === 401, { what: 'the ended session refused' });
    expect(await status(other)).toBe(200);
  });

  it('refuses every token a member held when suspended or when a role was revoked', async () => {
    const suspended = issueTestToken({ sub: 'usr_s', sid: 'ses_s' });
    await publish(UserSuspended, { userId: 'usr_s', reason: 'spam', byUserId: 'usr_admin', at: now() });
    await until(async () => (await status(suspended)) === 401, { what: 'the suspended member refused' });

    const ambassador = issueTestToken({ sub: 'usr_r', roles: ['ambassador'], country: 'SN' });
    await publish(RoleRevoked, {
      userId: 'usr_r',
      role: 'ambassador',
      country: 'SN',
      byUserId: 'usr_admin',
      at: now(),
    });
    await until(async () => (await status(ambassador)) === 401, { what: 'the ex-ambassador token refused' });
    expect(await status(issueTestToken({ sub: 'usr_bystander' }))).toBe(200);
  });

  it('accepts tokens issued after a member-wide revocation', async () => {
    const at = new Date(Date.now() - 5000).toISOString();
    await publish(SessionRevoked, { userId: 'usr_all', all: true, reason: 'password-reset', at });
    await until(async () => (await service.context.cache.get('revoked:user:usr_all')) !== null);
    expect(await status(issueTestToken({ sub: 'usr_all' }))).toBe(200);
  });

  it('refuses tokens that would outlive their revocation entry', async () => {
    expect(await status(issueTestToken({ sub: 'usr_long' }, { expiresInSeconds: 7200 }))).toBe(401);
  });
});
