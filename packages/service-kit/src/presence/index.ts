// Who is online: in memory (all-in-one) or Redis, chosen by URL.
export { MemoryPresence } from './memory.js';
export { openPresence } from './open.js';
export { RedisPresence } from './redis.js';
export type { PresenceRegistry } from './types.js';
