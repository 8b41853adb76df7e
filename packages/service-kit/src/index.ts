export * from './auth/keys.js';
export * from './auth/verifier.js';
export { MemoryBus } from './bus/memory.js';
export { NatsBus } from './bus/nats.js';
export { openBus } from './bus/open.js';
export * from './bus/types.js';
export { MemoryCache } from './cache/memory.js';
export { openCache } from './cache/open.js';
export { RedisCache } from './cache/redis.js';
export type { Cache } from './cache/types.js';
export * from './config.js';
export * from './db/database.js';
export * from './db/migrations.js';
export { type DevMessage, DevOutbox, devOutbox } from './dev-outbox.js';
export * from './errors.js';
export * from './events/consumer.js';
export * from './events/envelope.js';
export * from './events/outbox.js';
export { enqueueEnvelopes } from './events/outbox-envelopes.js';
export * from './grpc/server.js';
export * from './health.js';
export { createHttpApp, type HttpApp, logCompletedRequest } from './http/app.js';
export { authPlugin } from './http/auth-plugin.js';
export {
  type IdempotencyOptions,
  idempotencyMigrations,
  idempotent,
  purgeExpiredIdempotencyKeys,
} from './http/idempotency.js';
export { clientErrorHandler, registerProblemHandlers, sendProblem, toProblem } from './http/problem-handler.js';
export * from './http/schemas.js';
export * from './ids.js';
export * from './logger.js';
export * from './metrics.js';
export { MemoryPresence } from './presence/memory.js';
export { openPresence } from './presence/open.js';
export { RedisPresence } from './presence/redis.js';
export type { PresenceRegistry } from './presence/types.js';
export * from './providers/mail.js';
export * from './providers/otp.js';
export * from './rate-limit.js';
export { MemoryRealtime } from './realtime/memory.js';
export { createRealtimeMetrics } from './realtime/metrics.js';
export { NatsRealtime } from './realtime/nats.js';
export { openRealtime } from './realtime/open.js';
export * from './realtime/types.js';
export * from './runtime/polling-worker.js';
export * from './runtime/service.js';
export * from './runtime/standalone.js';
export { LocalStorage } from './storage/local.js';
export { openStorage, storageConfig } from './storage/open.js';
export { registerMediaRoute } from './storage/routes.js';
export { S3Storage } from './storage/s3.js';
export { assertStorageKey, type ObjectStorage, type StoredObject } from './storage/types.js';
export * from './vocabulary.js';
