import { Counter, Gauge, type Registry } from 'prom-client';

/** Series of a service that holds WebSocket connections (registered on the service's own registry). */
export function createRealtimeMetrics(registry: Registry) {
  const connections = new Gauge({
    name: 'websocket_connections',
    help: 'Open WebSocket connections on this instance',
    registers: [registry],
  });
  const slowConsumers = new Counter({
    name: 'websocket_slow_consumers_dropped_total',
    help: 'Connections closed because their unsent output exceeded the limit',
    registers: [registry],
  });
  return {
    connections: (delta: number) => connections.inc(delta),
    slowConsumer: () => slowConsumers.inc(),
  };
}
