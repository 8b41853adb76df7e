// Live fan-out between instances of a service: in memory (all-in-one) or NATS core subjects.
export { MemoryRealtime } from './memory.js';
export { createRealtimeMetrics } from './metrics.js';
export { NatsRealtime } from './nats.js';
export { openRealtime } from './open.js';
export * from './types.js';
