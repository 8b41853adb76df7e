import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds buckets shared by HTTP and gRPC durations, so dashboards can put them side by side. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * One registry per service, so services hosted in one process still expose only their own series. Every series
 * carries `app_service`: Prometheus sets `service` itself (the Kubernetes Service of the target), and a label
 * of ours with that name would be renamed `exported_service` or overwrite it.
 */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ app_service: service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    grpcServerDuration: new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'gRPC calls this service answered, by method and status code',
      labelNames: ['grpc_service', 'grpc_method', 'grpc_code'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    outboxPublished: new Counter({
      name: 'outbox_events_published_total',
      help: 'Domain events moved from the outbox to the bus, by subject',
      labelNames: ['subject'],
      registers: [registry],
    }),
    outboxBacklog: new Gauge({
      name: 'outbox_backlog',
      help: 'Outbox rows not yet published',
      registers: [registry],
    }),
    eventsConsumed: new Counter({
      name: 'events_consumed_total',
      help: 'Domain events handled by consumers, by outcome (ok, retry, dead_lettered: given up after the last try)',
      labelNames: ['consumer', 'outcome'],
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'event_consumer_lag_seconds',
      help: 'How long after it occurred the last event a consumer handled reached it',
      labelNames: ['consumer'],
      registers: [registry],
    }),
  };
}

export type ServiceMetrics = ReturnType<typeof createMetrics>;

/** What a node-postgres pool reports about itself. */
interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** The service's PostgreSQL pool, read at each scrape: `db_pool_connections{state="total|idle|waiting"}`. */
export function observePool(metrics: ServiceMetrics, pool: PoolStats): void {
  new Gauge({
    name: 'db_pool_connections',
    help: 'PostgreSQL pool connections: open in total, idle, and requests waiting for one',
    labelNames: ['state'],
    registers: [metrics.registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
}
