import { MailService } from '@sendgrid/mail';
import { Type } from 'typebox';
import { ConfigError } from '../config.js';
import { type DevOutbox, devOutbox } from '../dev-outbox.js';
import type { Logger } from '../logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers (e.g. List-Unsubscribe); the log adapter ignores them. */
  headers?: Record<string, string>;
}

/** The mail port. Adapters: `log` (captured in the dev outbox) and `sendgrid` (the SendGrid v3 API). */
export interface MailSender {
  readonly kind: 'log' | 'sendgrid';
  /** Resolves once the provider accepted the message; rejects with `MailDeliveryError` otherwise. */
  send(message: MailMessage): Promise<void>;
}

export class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

/** Settings a service adds to its config to send mail. */
export const mailConfig = {
  MAIL_PROVIDER: Type.Enum(['log', 'sendgrid'], { default: 'log' }),
  MAIL_FROM: Type.String({ default: 'Diaspora Community <no-reply@diaspora.community>', minLength: 3 }),
  SENDGRID_API_KEY: Type.Optional(Type.String({ pattern: '^SG\\.', minLength: 10 })),
  /** The SendGrid API base URL; only changed for a regional endpoint, a proxy or a local test server. */
  SENDGRID_API_URL: Type.String({ default: 'https://api.sendgrid.com', pattern: '^https?://' }),
  MAIL_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100 }),
};

export interface MailSettings {
  MAIL_PROVIDER: 'log' | 'sendgrid';
  MAIL_FROM: string;
  SENDGRID_API_KEY?: string | undefined;
  SENDGRID_API_URL: string;
  MAIL_TIMEOUT_MS: number;
}

/** Local adapter: the message goes to the dev outbox (readable at GET /dev/outbox), never to anyone. */
export class LogMailSender implements MailSender {
  readonly kind = 'log' as const;

  constructor(private readonly options: { service: string; logger: Logger; outbox?: DevOutbox }) {}

  async send(message: MailMessage): Promise<void> {
    const captured = (this.options.outbox ?? devOutbox).record({
      channel: 'email',
      service: this.options.service,
      to: message.to,
      subject: message.subject,
      text: message.text,
    });
    // The address is PII and stays out of logs; the id finds the message in the dev outbox.
    this.options.logger.info({ devOutboxId: captured.id, subject: message.subject }, 'mail captured in the dev outbox');
  }
}

/** Real adapter on the official SDK (@sendgrid/mail → POST /v3/mail/send). */
export class SendGridMailSender implements MailSender {
  readonly kind = 'sendgrid' as const;
  private readonly client = new MailService();

  constructor(private readonly options: { apiKey: string; from: string; baseUrl: string; timeoutMs: number }) {
    this.client.setApiKey(options.apiKey);
    this.client.setTimeout(options.timeoutMs);
    // The SDK's HTTP client is not in its typings; its base URL is how a region, proxy or test server is chosen.
    (
      this.client as unknown as { client: { setDefaultRequest(key: string, value: unknown): void } }
    ).client.setDefaultRequest('baseUrl', options.baseUrl.replace(/\/$/, ''));
  }

  async send(message: MailMessage): Promise<void> {
    try {
      await this.client.send({
        to: message.to,
        from: this.options.from,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        ...(message.headers ? { headers: message.headers } : {}),
      });
    } catch (error) {
      const { code, response } = error as { code?: number; response?: { body?: { errors?: { message?: string }[] } } };
      const reason = response?.body?.errors?.map((entry) => entry.message).join('; ');
      throw new MailDeliveryError(
        `SendGrid refused the message${code ? ` (${code})` : ''}${reason ? `: ${reason}` : ''}`,
        typeof code === 'number' ? code : undefined,
      );
    }
  }
}

/** The adapter the config asks for; `sendgrid` without an API key stops boot with a clear message. */
export function openMailSender(settings: MailSettings, context: { service: string; logger: Logger }): MailSender {
  if (settings.MAIL_PROVIDER === 'log') return new LogMailSender(context);
  if (!settings.SENDGRID_API_KEY) {
    throw new ConfigError(
      `invalid configuration for the ${context.service} service:\n  - SENDGRID_API_KEY: is required when MAIL_PROVIDER=sendgrid`,
    );
  }
  return new SendGridMailSender({
    apiKey: settings.SENDGRID_API_KEY,
    from: settings.MAIL_FROM,
    baseUrl: settings.SENDGRID_API_URL,
    timeoutMs: settings.MAIL_TIMEOUT_MS,
  });
}
