import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * Registers OpenTelemetry's ESM loader hook (import-in-the-middle), so modules imported after it — our services
 * are ESM and import `pg` and `node:http` with `import` — reach the instrumentations' patches. The hook ships
 * with @opentelemetry/instrumentation, a dependency of every instrumentation package: resolved from one of them.
 */
function registerEsmHook(): void {
  const fromInstrumentation = createRequire(
    createRequire(import.meta.url).resolve('@opentelemetry/instrumentation-pg'),
  );
  const hook = pathToFileURL(fromInstrumentation.resolve('@opentelemetry/instrumentation/hook.mjs'));
  register(hook.href, import.meta.url);
}

/**
 * Starts OpenTelemetry tracing when an OTLP endpoint is configured; a no-op otherwise. Call it before the
 * service's modules are imported (main.ts imports them dynamically afterwards) so HTTP and pg are instrumented.
 * gRPC is traced by the kit itself (grpc/telemetry.ts: traceparent metadata, CLIENT and SERVER spans) and
 * domain events carry `traceparent` in their envelope, continued by consumers. Returns a shutdown that flushes.
 */
export function startTracing(serviceName: string, endpoint: string | undefined): () => Promise<void> {
  if (!endpoint) return async () => {};
  registerEsmHook();
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }),
    // Traces only: metrics are Prometheus (/metrics) and logs are JSON on stdout, whatever OTEL_* env says.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => /^\/(health|metrics)/.test(request.url ?? ''),
      }),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}
