import * as grpc from '@grpc/grpc-js';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Histogram } from 'prom-client';

/**
 * Traces and metrics of internal gRPC, done by the kit because it owns both ends (createClient, the guarded
 * server): the caller's trace context travels as W3C `traceparent` metadata whatever the module system, and
 * no monkey-patching of grpc-js is needed. Without a tracer provider (tracing off) the spans are no-ops.
 */
const tracer = trace.getTracer('@diaspora/service-kit/grpc');

const metadataSetter = { set: (carrier: grpc.Metadata, key: string, value: string) => carrier.set(key, value) };
const metadataGetter = {
  get: (carrier: grpc.Metadata, key: string) => carrier.get(key).map(String),
  keys: (carrier: grpc.Metadata) => Object.keys(carrier.getMap()),
};

/** `/diaspora.user.v1.UserService/GetUser` → service and method names for span names and labels. */
function split(path: string): { service: string; method: string } {
  const [, service = 'unknown', method = 'unknown'] = path.split('/');
  return { service, method };
}

function codeOf(error: unknown): grpc.status {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : grpc.status.UNKNOWN;
}

/** Runs an outgoing call in a CLIENT span, with the span's context injected into `metadata`. */
export async function tracedClientCall<T>(path: string, metadata: grpc.Metadata, call: () => Promise<T>): Promise<T> {
  const { service, method } = split(path);
  return tracer.startActiveSpan(
    `${service}/${method}`,
    { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method } },
    async (span) => {
      propagation.inject(context.active(), metadata, metadataSetter);
      try {
        const result = await call();
        span.setAttribute('rpc.grpc.status_code', grpc.status.OK);
        return result;
      } catch (error) {
        span.setAttribute('rpc.grpc.status_code', codeOf(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: grpc.status[codeOf(error)] });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Wraps a unary handler: the SERVER span continues the caller's trace (its `traceparent` metadata), and the
 * call's duration and status code are observed in `duration` (grpc_server_handling_seconds).
 */
export function tracedServerCall(
  path: string,
  handler: grpc.handleUnaryCall<unknown, unknown>,
  duration?: Histogram<'grpc_service' | 'grpc_method' | 'grpc_code'>,
): grpc.handleUnaryCall<unknown, unknown> {
  const { service, method } = split(path);
  return (call, callback) => {
    const parent = propagation.extract(context.active(), call.metadata, metadataGetter);
    const started = process.hrtime.bigint();
    const span = tracer.startSpan(
      `${service}/${method}`,
      { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method } },
      parent,
    );
    const finish: grpc.sendUnaryData<unknown> = (error, value, trailer, flags) => {
      const code = error ? (error.code ?? grpc.status.UNKNOWN) : grpc.status.OK;
      span.setAttribute('rpc.grpc.status_code', code);
      if (code !== grpc.status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: grpc.status[code] });
      span.end();
      duration?.observe(
        { grpc_service: service, grpc_method: method, grpc_code: grpc.status[code] ?? String(code) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      callback(error, value, trailer, flags);
    };
    context.with(trace.setSpan(parent, span), () => handler(call, finish));
  };
}
