import { Agent } from 'node:https';
import { connect, type Socket } from 'node:net';
import { ConfigError, type DevOutbox, devOutbox, type Logger } from '@diaspora/service-kit';
import { type App, type Credential, cert, deleteApp, initializeApp } from 'firebase-admin/app';
import { getMessaging, type Messaging } from 'firebase-admin/messaging';
import { PushError, type PushMessage, type PushSender } from '../domain/ports.js';

/** Local adapter: pushes land in the dev outbox (GET /dev/outbox in all-in-one), never on a phone. */
class LogPushSender implements PushSender {
  readonly kind = 'log' as const;

  constructor(private readonly options: { logger: Logger; outbox?: DevOutbox }) {}

  async send(message: PushMessage): Promise<void> {
    const captured = (this.options.outbox ?? devOutbox).record({
      channel: 'push',
      service: 'notification',
      to: message.userId,
      subject: message.title,
      text: message.body,
    });
    this.options.logger.info({ devOutboxId: captured.id }, 'push captured in the dev outbox');
  }
}

/** FCM error codes meaning the token will never work again: the device is forgotten. */
const GONE = new Set([
  'messaging/registration-token-not-registered',
  'messaging/invalid-registration-token',
  'messaging/mismatched-credential',
]);

/**
 * Sends all HTTPS traffic of the SDK to one plain-HTTP origin (a local fake of the FCM HTTP v1 API): firebase-admin
 * has no endpoint option, but it takes an `httpAgent`, and the agent decides where the bytes go.
 */
class RedirectingAgent extends Agent {
  constructor(private readonly target: URL) {
    super({ keepAlive: true });
  }

  override createConnection(): Socket {
    return connect({ host: this.target.hostname, port: Number(this.target.port || 80) });
  }
}

/** Real adapter on the official SDK: `messaging.send` → POST fcm.googleapis.com/v1/projects/{id}/messages:send. */
export class FcmPushSender implements PushSender {
  readonly kind = 'fcm' as const;
  private readonly app: App;
  private readonly messaging: Messaging;

  constructor(options: { credentialsJson: string; endpointOverride?: string | undefined; name?: string }) {
    let account: { project_id?: string; client_email?: string; private_key?: string };
    try {
      account = JSON.parse(options.credentialsJson);
    } catch {
      throw new ConfigError(
        'invalid configuration for the notification service:\n  - FCM_CREDENTIALS_JSON: is not JSON',
      );
    }
    if (!account.project_id)
      throw new ConfigError(
        'invalid configuration for the notification service:\n  - FCM_CREDENTIALS_JSON: has no project_id',
      );
    const agent = options.endpointOverride ? new RedirectingAgent(new URL(options.endpointOverride)) : undefined;
    // Google's token endpoint is reached by google-auth-library's fetch, which no agent steers: against a local
    // fake, the fake's own token stands in (the FCM request is otherwise exactly the SDK's).
    const credential: Credential = agent
      ? { getAccessToken: async () => ({ access_token: 'local-fcm-token', expires_in: 3600 }) }
      : cert(account as Parameters<typeof cert>[0]);
    this.app = initializeApp(
      { credential, projectId: account.project_id, ...(agent ? { httpAgent: agent } : {}) },
      options.name ?? `notification-fcm-${Math.random().toString(36).slice(2)}`,
    );
    this.messaging = getMessaging(this.app);
  }

  async send(message: PushMessage): Promise<void> {
    try {
      await this.messaging.send({
        token: message.token,
        notification: { title: message.title, body: message.body },
        data: message.data,
        android: { priority: 'high' },
        apns: { payload: { aps: { sound: 'default' } } },
      });
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unknown';
      throw new PushError(`FCM refused the push (${code})`, GONE.has(code));
    }
  }

  async close(): Promise<void> {
    await deleteApp(this.app);
  }
}

export function openPushSender(
  settings: {
    PUSH_PROVIDER: 'log' | 'fcm';
    FCM_CREDENTIALS_JSON?: string | undefined;
    FCM_ENDPOINT_OVERRIDE?: string | undefined;
  },
  logger: Logger,
): PushSender & { close?(): Promise<void> } {
  if (settings.PUSH_PROVIDER === 'log') return new LogPushSender({ logger });
  if (!settings.FCM_CREDENTIALS_JSON)
    throw new ConfigError(
      'invalid configuration for the notification service:\n  - FCM_CREDENTIALS_JSON: is required when PUSH_PROVIDER=fcm',
    );
  return new FcmPushSender({
    credentialsJson: settings.FCM_CREDENTIALS_JSON,
    endpointOverride: settings.FCM_ENDPOINT_OVERRIDE,
  });
}
