import { type TProperties, Type } from 'typebox';

/** The integration service's own settings, on top of the kit's base config (DATABASE_URL, BUS_URL, …). */
export const integrationConfig = {
  /** Where the integration data lives: this service's PostgreSQL (all-in-one) or MongoDB (MONGO_URL). */
  INTEGRATION_STORE: Type.Union([Type.Literal('postgres'), Type.Literal('mongodb')], { default: 'postgres' }),
  MONGO_URL: Type.Optional(Type.String({ pattern: '^mongodb(\\+srv)?://' })),
  /** Key material (32+ characters) wrapping the per-record data keys; generated under DATA_DIR in all-in-one. */
  INTEGRATION_ENCRYPTION_KEY: Type.Optional(Type.String({ minLength: 32 })),
  /** Earlier keys, still accepted for opening what they sealed (rotation; see the README). */
  INTEGRATION_ENCRYPTION_PREVIOUS_KEYS: Type.Array(Type.String({ minLength: 32 }), { default: [] }),
  /** Webhook targets on private/loopback addresses; defaults to allowed only with DATA_DIR (all-in-one). */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: Type.Optional(Type.Boolean()),
  WEBHOOK_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100, maximum: 60_000 }),
  WEBHOOK_MAX_RESPONSE_BYTES: Type.Integer({ default: 65_536, minimum: 1024 }),
  /** Failed attempts in a row, with a delivery's day of retries used up, that disable a subscription. */
  WEBHOOK_DISABLE_AFTER_FAILURES: Type.Integer({ default: 8, minimum: 1 }),
  /** Concurrent webhook attempts in one instance; a slow target occupies one of them, for its timeout at most. */
  WEBHOOK_CONCURRENCY: Type.Integer({ default: 8, minimum: 1, maximum: 64 }),
  /** Attempts at once to one subscription per instance; the rest wait their turn (fairness between targets). */
  WEBHOOK_PER_TARGET_CONCURRENCY: Type.Integer({ default: 2, minimum: 1, maximum: 64 }),
  WEBHOOK_LOG_RETENTION_DAYS: Type.Integer({ default: 30, minimum: 1 }),
  JOB_POLL_SECONDS: Type.Number({ default: 1, minimum: 0.5 }),
  /** Where Apple Calendar members connect when they name no server (iCloud); any CalDAV server works. */
  CALDAV_DEFAULT_URL: Type.String({ default: 'https://caldav.icloud.com/', pattern: '^https?://' }),
  /** Google Calendar: `google` (GOOGLE_CLIENT_ID/SECRET) or `local` (consent and calendar simulated in memory). */
  GOOGLE_CALENDAR_PROVIDER: Type.Union([Type.Literal('google'), Type.Literal('local')], { default: 'local' }),
  GOOGLE_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  GOOGLE_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  /** Where Google sends the member back; default PUBLIC_BASE_URL + /api/v1/integrations/calendar/google/callback. */
  GOOGLE_REDIRECT_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Test/staging overrides of Google's endpoints (a local fake of OAuth and Calendar v3). */
  /** How often premium organizers' Google calendars are pulled (sync tokens) for edits to flow back. */
  GOOGLE_SYNC_INTERVAL_MS: Type.Integer({ default: 300_000, minimum: 1000 }),
  GOOGLE_OAUTH_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  GOOGLE_API_ROOT_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** CRM kept in step with registrations: none, `log` (local), or `hubspot` (HUBSPOT_ACCESS_TOKEN). */
  CRM_CONNECTOR: Type.Union([Type.Literal('none'), Type.Literal('log'), Type.Literal('hubspot')], { default: 'none' }),
  HUBSPOT_ACCESS_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  /** HubSpot API root; a local fake in tests. */
  HUBSPOT_BASE_PATH: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Peers over gRPC: contact discovery (user) and event details for calendars (event). */
  USER_GRPC_ADDR: Type.Optional(Type.String()),
  /** Requests per minute one inbound API key may make (the kit's limiter: across replicas with Redis). */
  INBOUND_RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 120, minimum: 1 }),
  EVENT_GRPC_ADDR: Type.Optional(Type.String()),
} satisfies TProperties;
