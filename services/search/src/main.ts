import { startTracing } from '@diaspora/service-kit/tracing';

// `main.js reindex` rebuilds the search index (jobs/reindex-command.ts); anything else runs the service.
if (process.argv[2] === 'reindex') {
  const { runReindexCommand } = await import('./jobs/reindex-command.js');
  await runReindexCommand();
  process.exit(0);
}
// Tracing first, so the modules imported below are instrumented; its shutdown flushes the last spans.
const stopTracing = startTracing('search-service', process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
const { runStandalone } = await import('@diaspora/service-kit');
const { searchService } = await import('./app.js');
await runStandalone(searchService, { afterClose: stopTracing });
