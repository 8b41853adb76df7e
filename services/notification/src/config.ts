import { mailConfig } from '@diaspora/service-kit/providers';
import { Type } from 'typebox';

/** The notification service's own settings, on top of the kit's base config (DATABASE_URL, BUS_URL, …). */
export const notificationConfig = {
  /** Contact details (email, languages, time zone) and community member lists. */
  USER_GRPC_ADDR: Type.String({ minLength: 3, description: 'host:port of the user service gRPC server' }),
  /** Live frames on members' open chat sockets (MessagingRealtime.PushNotification). */
  MESSAGING_GRPC_ADDR: Type.String({ minLength: 3, description: 'host:port of the messaging service gRPC server' }),
  /** Consul scorecards (quota alerts) and upcoming local events (newcomer welcome). */
  /** Unset (a platform without the event service): no consul quota alerts, welcomes without upcoming events. */
  EVENT_GRPC_ADDR: Type.Optional(
    Type.String({ minLength: 3, description: 'host:port of the event service gRPC server' }),
  ),
  GRPC_DEADLINE_MS: Type.Integer({ default: 3000, minimum: 100 }),
  ...mailConfig,
  /** `log` keeps pushes in the dev outbox (all-in-one); `fcm` sends through Firebase Cloud Messaging. */
  PUSH_PROVIDER: Type.Enum(['log', 'fcm'], { default: 'log' }),
  /** The Firebase service-account JSON (a secret); required when PUSH_PROVIDER=fcm. */
  FCM_CREDENTIALS_JSON: Type.Optional(Type.String({ minLength: 2 })),
  /**
   * Sends every FCM and Google OAuth request to this plain-HTTP origin instead of Google (a local fake of the
   * FCM HTTP v1 API in CI); unset in production.
   */
  FCM_ENDPOINT_OVERRIDE: Type.Optional(Type.String({ pattern: '^http://' })),
  /** Signs unsubscribe links; derived from DATA_DIR when unset (like CURSOR_SECRET). */
  UNSUBSCRIBE_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** Tries per push or email before its delivery is dead-lettered (each retry waits twice as long). */
  DELIVERY_MAX_ATTEMPTS: Type.Integer({ default: 5, minimum: 1, maximum: 9 }),
  /** New-event alerts a member receives per day at most. */
  NEW_EVENT_DAILY_CAP: Type.Integer({ default: 3, minimum: 1, maximum: 50 }),
  /** How often the job workers poll for due deliveries. */
  JOB_POLL_SECONDS: Type.Number({ default: 1, minimum: 0.5, maximum: 60 }),
  /** Live frames in flight at once during a large fan-out. */
  LIVE_CONCURRENCY: Type.Integer({ default: 64, minimum: 1, maximum: 1000 }),
};
