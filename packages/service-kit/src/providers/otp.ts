import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import twilio from 'twilio';
import type TwilioRequestClient from 'twilio/lib/base/RequestClient.js';
import { Type } from 'typebox';
import { ConfigError } from '../config.js';
import { type DevOutbox, devOutbox } from '../dev-outbox.js';
import type { Logger } from '../logger.js';

/** What checking a code says: right, wrong (the check stays open), or no open check (expired or spent). */
export type OtpCheck = 'approved' | 'rejected' | 'expired';

/**
 * The SMS one-time-code port (phone verification). Adapters: `log` (codes in the dev outbox) and `twilio`
 * (Twilio Verify, which generates, sends and checks the code). Numbers are E.164.
 */
export interface OtpVerifier {
  readonly kind: 'log' | 'twilio';
  start(phone: string): Promise<void>;
  check(phone: string, code: string): Promise<OtpCheck>;
}

export class OtpProviderError extends Error {
  override name = 'OtpProviderError';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

export const smsConfig = {
  SMS_PROVIDER: Type.Enum(['log', 'twilio'], { default: 'log' }),
  TWILIO_ACCOUNT_SID: Type.Optional(Type.String({ pattern: '^AC[0-9a-fA-F]{32}$' })),
  TWILIO_AUTH_TOKEN: Type.Optional(Type.String({ minLength: 8 })),
  TWILIO_VERIFY_SERVICE_SID: Type.Optional(Type.String({ pattern: '^VA[0-9a-fA-F]{32}$' })),
  /** Replaces https://verify.twilio.com; only for a proxy or a local test server. */
  TWILIO_VERIFY_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Lifetime of a local code (Twilio Verify applies its own service setting, 10 minutes by default). */
  OTP_TTL_SECONDS: Type.Integer({ default: 600, minimum: 30, maximum: 3600 }),
};

export interface SmsSettings {
  SMS_PROVIDER: 'log' | 'twilio';
  TWILIO_ACCOUNT_SID?: string | undefined;
  TWILIO_AUTH_TOKEN?: string | undefined;
  TWILIO_VERIFY_SERVICE_SID?: string | undefined;
  TWILIO_VERIFY_URL?: string | undefined;
  OTP_TTL_SECONDS: number;
}

const digest = (code: string) => createHash('sha256').update(code).digest();

/**
 * Local adapter: six-digit codes generated here, "sent" to the dev outbox, kept (hashed) in this process only.
 * Meant for all-in-one mode and tests, where one process serves every request.
 */
export class LocalOtpVerifier implements OtpVerifier {
  readonly kind = 'log' as const;
  private readonly open = new Map<string, { hash: Buffer; expiresAt: number }>();

  constructor(private readonly options: { service: string; logger: Logger; ttlSeconds: number; outbox?: DevOutbox }) {}

  async start(phone: string): Promise<void> {
    // Codes nobody came back for are dropped here, so the map stays small in a long-running dev process.
    const now = Date.now();
    for (const [number, entry] of this.open) if (entry.expiresAt <= now) this.open.delete(number);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.open.set(phone, { hash: digest(code), expiresAt: Date.now() + this.options.ttlSeconds * 1000 });
    const captured = (this.options.outbox ?? devOutbox).record({
      channel: 'sms',
      service: this.options.service,
      to: phone,
      text: `Your Diaspora Community verification code is ${code}`,
    });
    this.options.logger.info({ devOutboxId: captured.id }, 'verification code captured in the dev outbox');
  }

  async check(phone: string, code: string): Promise<OtpCheck> {
    const entry = this.open.get(phone);
    if (!entry || entry.expiresAt <= Date.now()) {
      this.open.delete(phone);
      return 'expired';
    }
    if (!timingSafeEqual(entry.hash, digest(code))) return 'rejected';
    this.open.delete(phone);
    return 'approved';
  }
}

const VERIFY_HOST = 'https://verify.twilio.com';

/** Sends the SDK's requests for verify.twilio.com to another base URL (a proxy, or a local test server). */
class RedirectingRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    timeoutMs: number,
  ) {
    super({ timeout: timeoutMs });
  }

  override request<TData>(options: TwilioRequestClient.RequestOptions<TData>) {
    const uri = options.uri?.startsWith(VERIFY_HOST)
      ? `${this.baseUrl}${options.uri.slice(VERIFY_HOST.length)}`
      : options.uri;
    return super.request<TData>({ ...options, uri });
  }
}

/** Real adapter on the official SDK: Twilio Verify v2 (Verifications and VerificationCheck). */
export class TwilioOtpVerifier implements OtpVerifier {
  readonly kind = 'twilio' as const;
  private readonly service;

  constructor(options: {
    accountSid: string;
    authToken: string;
    serviceSid: string;
    baseUrl?: string;
    timeoutMs?: number;
  }) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const client = twilio(options.accountSid, options.authToken, {
      ...(options.baseUrl
        ? { httpClient: new RedirectingRequestClient(options.baseUrl.replace(/\/$/, ''), timeoutMs) }
        : { timeout: timeoutMs }),
    });
    this.service = client.verify.v2.services(options.serviceSid);
  }

  async start(phone: string): Promise<void> {
    try {
      await this.service.verifications.create({ to: phone, channel: 'sms' });
    } catch (error) {
      throw asProviderError(error, 'Twilio Verify refused to send the code');
    }
  }

  async check(phone: string, code: string): Promise<OtpCheck> {
    try {
      const result = await this.service.verificationChecks.create({ to: phone, code });
      return result.status === 'approved' ? 'approved' : 'rejected';
    } catch (error) {
      // 404 (Twilio error 20404): no pending verification for this number — expired, spent or never started.
      if ((error as { status?: number }).status === 404) return 'expired';
      throw asProviderError(error, 'Twilio Verify could not check the code');
    }
  }
}

function asProviderError(error: unknown, message: string): OtpProviderError {
  const { status, code } = error as { status?: number; code?: number };
  return new OtpProviderError(`${message}${code ? ` (Twilio error ${code})` : ''}`, status);
}

/** The adapter the config asks for; `twilio` without its three credentials stops boot with a clear message. */
export function openOtpVerifier(settings: SmsSettings, context: { service: string; logger: Logger }): OtpVerifier {
  if (settings.SMS_PROVIDER === 'log') {
    return new LocalOtpVerifier({ ...context, ttlSeconds: settings.OTP_TTL_SECONDS });
  }
  const missing = (['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_VERIFY_SERVICE_SID'] as const).filter(
    (name) => !settings[name],
  );
  if (missing.length) {
    throw new ConfigError(
      `invalid configuration for the ${context.service} service:\n${missing
        .map((name) => `  - ${name}: is required when SMS_PROVIDER=twilio`)
        .join('\n')}`,
    );
  }
  return new TwilioOtpVerifier({
    accountSid: settings.TWILIO_ACCOUNT_SID!,
    authToken: settings.TWILIO_AUTH_TOKEN!,
    serviceSid: settings.TWILIO_VERIFY_SERVICE_SID!,
    ...(settings.TWILIO_VERIFY_URL ? { baseUrl: settings.TWILIO_VERIFY_URL } : {}),
  });
}
