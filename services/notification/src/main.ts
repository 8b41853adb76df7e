import { startTracing } from '@diaspora/service-kit/tracing';

// Tracing first, so the modules imported below are instrumented; its shutdown flushes the last spans.
const stopTracing = startTracing('notification-service', process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
const { runStandalone } = await import('@diaspora/service-kit');
const { notificationService } = await import('./app.js');
await runStandalone(notificationService, { afterClose: stopTracing });
