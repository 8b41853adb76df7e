import { Type } from 'typebox';

/** The admin service's own settings, on top of the kit's base config (DATABASE_URL, BUS_URL, CURSOR_SECRET, …). */
export const adminConfig = {
  /** The user service: current roles (scope checks), member search, suspension, role audit. */
  USER_GRPC_ADDR: Type.String({ minLength: 3, description: 'host:port of the user service gRPC server' }),
  /** The content service's ContentModeration (previews and decisions on posts and comments). */
  CONTENT_GRPC_ADDR: Type.String({ minLength: 3, description: 'host:port of the content service gRPC server' }),
  /** The event service (organizer scorecards on member detail). */
  EVENT_GRPC_ADDR: Type.String({ minLength: 3, description: 'host:port of the event service gRPC server' }),
  GRPC_DEADLINE_MS: Type.Integer({ default: 3000, minimum: 100, maximum: 60_000 }),
  /** How often the user service's role audit is copied into the admin audit log. */
  ROLE_AUDIT_SYNC_SECONDS: Type.Integer({ default: 60, minimum: 5, maximum: 86_400 }),
  /** Secret of the pseudonyms that replace an erased member's id in the audit log (generated under DATA_DIR if unset). */
  PSEUDONYM_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** Longest analytics range a request may ask for, in days (two years by default). */
  ANALYTICS_MAX_DAYS: Type.Integer({ default: 731, minimum: 1, maximum: 3660 }),
  /** Defaults of the platform settings until an admin first saves them (GET/PUT /settings). */
  DEFAULT_FREE_MESSAGING_DAILY_QUOTA: Type.Integer({ default: 50, minimum: 0, maximum: 100_000 }),
  DEFAULT_CONSUL_YEARLY_QUOTA: Type.Integer({ default: 4, minimum: 1, maximum: 52 }),
  DEFAULT_REPORT_THRESHOLD: Type.Integer({ default: 3, minimum: 1, maximum: 1000 }),
};
