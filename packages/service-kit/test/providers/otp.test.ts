import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { DevOutbox } from '../../src/dev-outbox.js';
import { createLogger } from '../../src/logger.js';
import { LocalOtpVerifier, OtpProviderError, openOtpVerifier } from '../../src/providers/otp.js';
import { type RecordedRequest, startRecorder } from './http-recorder.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const ACCOUNT = `AC${'1'.repeat(32)}`;
const SERVICE = `VA${'2'.repeat(32)}`;
const twilioSettings = (url: string) => ({
  SMS_PROVIDER: 'twilio' as const,
  TWILIO_ACCOUNT_SID: ACCOUNT,
  TWILIO_AUTH_TOKEN: 'auth-token-123',
  TWILIO_VERIFY_SERVICE_SID: SERVICE,
  TWILIO_VERIFY_URL: url,
  OTP_TTL_SECONDS: 600,
});

/** A stand-in for verify.twilio.com: the code 123456 is right, once; afterwards the check no longer exists. */
function verifyApi() {
  let pending = false;
  return (request: RecordedRequest) => {
    const form = new URLSearchParams(request.body);
    if (request.url === `/v2/Services/${SERVICE}/Verifications`) {
      pending = true;
      return {
        status: 201,
        body: { sid: 'VE1', service_sid: SERVICE, to: form.get('To'), channel: 'sms', status: 'pending' },
      };
    }
    if (request.url === `/v2/Services/${SERVICE}/VerificationCheck`) {
      if (!pending) return { status: 404, body: { code: 20404, message: 'not found', status: 404 } };
      const approved = form.get('Code') === '123456';
      if (approved) pending = false;
      return {
        status: 200,
        body: { sid: 'VE1', to: form.get('To'), status: approved ? 'approved' : 'pending', valid: approved },
      };
    }
    return { status: 500, body: { code: 20500, message: 'unexpected', status: 500 } };
  };
}

describe('TwilioOtpVerifier (the twilio SDK against a local Verify endpoint)', () => {
  it('starts an SMS verification and checks codes: wrong → rejected, right → approved, then expired', async () => {
    const server = await startRecorder(verifyApi());
    closers.push(server.close);
    const verifier = openOtpVerifier(twilioSettings(server.url), { service: 'user', logger });
    expect(verifier.kind).toBe('twilio');

    await verifier.start('+221771234567');
    const [started] = server.requests;
    expect(started).toMatchObject({ method: 'POST', url: `/v2/Services/${SERVICE}/Verifications` });
    expect(Object.fromEntries(new URLSearchParams(started!.body))).toEqual({ To: '+221771234567', Channel: 'sms' });
    expect(started!.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT}:auth-token-123`).toString('base64')}`);

    expect(await verifier.check('+221771234567', '000000')).toBe('rejected');
    expect(await verifier.check('+221771234567', '123456')).toBe('approved');
    expect(await verifier.check('+221771234567', '123456')).toBe('expired');
    expect(server.requests.at(-1)!.url).toBe(`/v2/Services/${SERVICE}/VerificationCheck`);
  });

  it('reports provider failures as OtpProviderError with the status', async () => {
    const server = await startRecorder(() => ({
      status: 429,
      body: { code: 60203, message: 'Max send attempts reached', status: 429 },
    }));
    closers.push(server.close);
    const verifier = openOtpVerifier(twilioSettings(server.url), { service: 'user', logger });
    const failure = await verifier.start('+221771234567').catch((error) => error);
    expect(failure).toBeInstanceOf(OtpProviderError);
    expect(failure).toMatchObject({ status: 429, message: expect.stringContaining('60203') });
  });
});

describe('LocalOtpVerifier', () => {
  it('puts a six-digit code in the dev outbox, accepts it once, refuses wrong and expired codes', async () => {
    const outbox = new DevOutbox();
    const verifier = new LocalOtpVerifier({ service: 'user', logger, ttlSeconds: 60, outbox });
    await verifier.start('+33612345678');
    const [sms] = outbox.list({ to: '+33612345678', channel: 'sms' });
    const code = /\b(\d{6})\b/.exec(sms!.text)![1]!;
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await verifier.check('+33612345678', wrong)).toBe('rejected');
    expect(await verifier.check('+33612345678', code)).toBe('approved');
    expect(await verifier.check('+33612345678', code)).toBe('expired');

    const short = new LocalOtpVerifier({ service: 'user', logger, ttlSeconds: 0, outbox });
    await short.start('+33612345679');
    const late = /\b(\d{6})\b/.exec(outbox.list({ to: '+33612345679' })[0]!.text)![1]!;
    expect(await short.check('+33612345679', late)).toBe('expired');
  });
});

describe('openOtpVerifier', () => {
  it('picks the local adapter by default and names each missing Twilio credential', () => {
    expect(openOtpVerifier({ SMS_PROVIDER: 'log', OTP_TTL_SECONDS: 600 }, { service: 'user', logger }).kind).toBe(
      'log',
    );
    expect(() =>
      openOtpVerifier({ SMS_PROVIDER: 'twilio', OTP_TTL_SECONDS: 600 }, { service: 'user', logger }),
    ).toThrow(/TWILIO_ACCOUNT_SID[\s\S]*TWILIO_AUTH_TOKEN[\s\S]*TWILIO_VERIFY_SERVICE_SID/);
    expect(() =>
      openOtpVerifier({ SMS_PROVIDER: 'twilio', OTP_TTL_SECONDS: 600 }, { service: 'user', logger }),
    ).toThrow(ConfigError);
  });
});
