import { startTracing } from '@diaspora/service-kit/tracing';

// Tracing first, so the modules imported below are instrumented; its shutdown flushes the last spans.
const stopTracing = startTracing('admin-service', process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
const { runStandalone } = await import('@diaspora/service-kit');
const { adminService } = await import('./app.js');
await runStandalone(adminService, { afterClose: stopTracing });
