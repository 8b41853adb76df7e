export * from './auth/keys.js';
export * from './auth/live-roles.js';
export * from './auth/revocations.js';
export * from './auth/service-keys.js';
export * from './auth/verified-tokens.js';
export * from './auth/verifier.js';
export { MemoryBus } from './bus/memory.js';
export { NatsBus } from './bus/nats.js';
export { openBus } from './bus/open.js';
export * from './bus/types.js';
export { type ComputeOnceOptions, getOrComputeOnce } from './cache/compute-once.js';
export { MemoryCache } from './cache/memory.js';
export { openCache } from './cache/open.js';
export { RedisCache } from './cache/redis.js';
export type { Cache } from './cache/types.js';
export * from './config.js';
export * from './db/database.js';
export * from './db/migrations.js';
export * from './db/sql-params.js';
export { type DevMessage, DevOutbox, devOutbox } from './dev-outbox.js';
export * from './errors.js';
export * from './events/consumer.js';
export * from './events/envelope.js';
export * from './events/outbox.js';
export { enqueueEnvelopes } from './events/outbox-envelopes.js';
export { AccessPolicy } from './grpc/access.js';
export * from './grpc/protos.js';
export * from './grpc/server.js';
export * from './grpc/service-auth.js';
export * from './health.js';
export { createHttpApp, type HttpApp, logCompletedRequest } from './http/app.js';
export { authPlugin, callerOf } from './http/auth-plugin.js';
export { type ConditionalGetOptions, conditionalGet, notModified, weakEtag } from './http/conditional-get.js';
export * from './http/cursor.js';
export { forwardedClient, isLoopback, plainAddress, trustedProxyMatcher } from './http/forwarded.js';
export {
  type IdempotencyOptions,
  idempotencyMigrations,
  idempotent,
  purgeExpiredIdempotencyKeys,
} from './http/idempotency.js';
export { type MalformedText, malformedText } from './http/input-guard.js';
export {
  clientErrorHandler,
  frameworkErrorHandler,
  registerProblemHandlers,
  sendProblem,
  toProblem,
} from './http/problem-handler.js';
export * from './http/schemas.js';
export * from './ids.js';
export * from './logger.js';
export * from './metrics.js';
export * from './rate-limit.js';
export * from './runtime/chores.js';
export * from './runtime/polling-worker.js';
export * from './runtime/service.js';
export * from './runtime/standalone.js';
export { type UserDataPart, userData } from './runtime/user-data.js';
export * from './secrets.js';
export * from './store/platform-settings.js';
export * from './store/unit-of-work.js';
export * from './vocabulary.js';
