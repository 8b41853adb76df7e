import { Type } from 'typebox';

/** The event service's own settings, on top of the kit's base config. */
export const eventConfig = {
  /** The user service's gRPC address (origin country for /upcoming, consul scopes for scorecards). */
  USER_GRPC_ADDR: Type.String({ minLength: 3, description: 'host:port of the user service gRPC server' }),
  /** Local events a consul must hold per calendar year. */
  CONSUL_EVENT_QUOTA: Type.Integer({ default: 4, minimum: 1, maximum: 52 }),
  /** MM-DD: from this day of the year on, a consul behind quota is flagged on the scorecard. */
  SCORECARD_FLAG_DATE: Type.String({ default: '09-30', pattern: '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' }),
  /** Minutes before an event starts when registrants are reminded (events.reminder.due). */
  REMINDER_OFFSETS_MINUTES: Type.Array(Type.Integer({ minimum: 1, maximum: 43_200 }), {
    default: [1440, 60],
    maxItems: 5,
  }),
  /** How long an unpaid premium registration holds its seat before it is released to the waitlist. */
  PAYMENT_HOLD_MINUTES: Type.Integer({ default: 30, minimum: 1, maximum: 10_080 }),
  /** Upper bound of occurrences materialized for one recurring series. */
  RECURRENCE_MAX_OCCURRENCES: Type.Integer({ default: 52, minimum: 1, maximum: 366 }),
  /**
   * How long a cached read (event detail, listing page) is served fresh; changes invalidate it at once, so this
   * only bounds what time alone changes (an event ending). 0 turns response caching off.
   */
  READ_CACHE_TTL_MS: Type.Integer({ default: 30_000, minimum: 0, maximum: 3_600_000 }),
  /** How long past that a cached read may still be answered while one request refreshes it. */
  READ_CACHE_STALE_MS: Type.Integer({ default: 30_000, minimum: 0, maximum: 3_600_000 }),
  /** How often the job workers (reminders, payment holds) poll for due jobs. */
  JOB_POLL_SECONDS: Type.Number({ default: 2, minimum: 0.5, maximum: 60 }),
};
