import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { DevOutbox } from '../../src/dev-outbox.js';
import { createLogger } from '../../src/logger.js';
import { LogMailSender, MailDeliveryError, openMailSender, SendGridMailSender } from '../../src/providers/mail.js';
import { startRecorder } from './http-recorder.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const settings = {
  MAIL_PROVIDER: 'sendgrid' as const,
  MAIL_FROM: 'Diaspora <no-reply@diaspora.test>',
  SENDGRID_API_KEY: 'SG.test-key-1234567890',
  SENDGRID_API_URL: 'http://127.0.0.1:1',
  MAIL_TIMEOUT_MS: 2000,
};

describe('SendGridMailSender (the @sendgrid/mail SDK against a local HTTP endpoint)', () => {
  it('POSTs the v3 mail/send payload with the API key and resolves on 202', async () => {
    const server = await startRecorder(() => ({ status: 202 }));
    closers.push(server.close);
    const sender = openMailSender({ ...settings, SENDGRID_API_URL: server.url }, { service: 'user', logger });
    expect(sender.kind).toBe('sendgrid');
    await sender.send({ to: 'amina@example.com', subject: 'Verify', text: 'Your link', html: '<p>Your link</p>' });

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v3/mail/send' });
    expect(request!.headers.authorization).toBe('Bearer SG.test-key-1234567890');
    const body = JSON.parse(request!.body);
    expect(body.from).toEqual({ email: 'no-reply@diaspora.test', name: 'Diaspora' });
    expect(body.subject).toBe('Verify');
    expect(body.personalizations[0].to).toEqual([{ email: 'amina@example.com' }]);
    expect(body.content).toEqual([
      { type: 'text/plain', value: 'Your link' },
      { type: 'text/html', value: '<p>Your link</p>' },
    ]);
  });

  it('turns a refusal into MailDeliveryError with the status and the provider reason', async () => {
    const server = await startRecorder(() => ({
      status: 401,
      body: { errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked' }] },
    }));
    closers.push(server.close);
    const sender = new SendGridMailSender({
      apiKey: 'SG.bad-key-123456',
      from: 'no-reply@diaspora.test',
      baseUrl: server.url,
      timeoutMs: 2000,
    });
    const failure = await sender.send({ to: 'a@example.com', subject: 's', text: 't' }).catch((error) => error);
    expect(failure).toBeInstanceOf(MailDeliveryError);
    expect(failure).toMatchObject({ status: 401, message: expect.stringContaining('authorization grant is invalid') });
  });

  it('fails when the endpoint cannot be reached instead of pretending success', async () => {
    const sender = openMailSender(settings, { service: 'user', logger });
    await expect(sender.send({ to: 'a@example.com', subject: 's', text: 't' })).rejects.toBeInstanceOf(
      MailDeliveryError,
    );
  });
});

describe('LogMailSender', () => {
  it('captures the message in the dev outbox instead of sending it', async () => {
    const outbox = new DevOutbox();
    const sender = new LogMailSender({ service: 'user', logger, outbox });
    await sender.send({ to: 'Kofi@Example.com', subject: 'Hello', text: 'Body' });
    expect(outbox.list({ to: 'kofi@example.com' })).toEqual([
      expect.objectContaining({ channel: 'email', service: 'user', subject: 'Hello', text: 'Body' }),
    ]);
    expect(outbox.list({ channel: 'sms' })).toEqual([]);
  });
});

describe('openMailSender', () => {
  it('picks the local adapter by default and refuses sendgrid without an API key', () => {
    expect(openMailSender({ ...settings, MAIL_PROVIDER: 'log' }, { service: 'user', logger }).kind).toBe('log');
    expect(() => openMailSender({ ...settings, SENDGRID_API_KEY: undefined }, { service: 'user', logger })).toThrow(
      ConfigError,
    );
  });
});
