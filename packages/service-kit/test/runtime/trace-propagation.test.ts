import { UserRegistered } from '@diaspora/events';
import { consumer, createClient, defineService, type Service, type ServiceDescriptor } from '@diaspora/service-kit';
import { startTestService, until } from '@diaspora/testing';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });

const registered = {
  userId: 'usr_t',
  displayName: 'T',
  originCountry: 'SN',
  residenceCountry: 'FR',
  residenceCity: 'Lyon',
  languages: ['fr'],
  domains: [],
  registeredAt: new Date().toISOString(),
};

let handledIn: string | undefined;
const tracedService = defineService({
  name: 'traced',
  openapi: { title: 'Traced', description: 'test service', version: '1.0.0' },
  config: {},
  migrations: [],
  async setup() {
    return {
      async routes() {},
      consumers: [
        consumer('welcome', UserRegistered, async () => {
          handledIn = trace.getActiveSpan()?.spanContext().traceId;
        }),
      ],
      userData: {
        export: async () => ({ traceId: trace.getActiveSpan()?.spanContext().traceId }),
        erase: async () => {},
      },
    };
  },
});

interface UserDataClient {
  exportUserData(request: { userId: string }): Promise<{ service: string; json: string }>;
  close(): void;
}
const USER_DATA: ServiceDescriptor<UserDataClient, unknown> = {
  fullName: 'diaspora.common.v1.UserData',
  file: 'common/v1/user_data.proto',
  methods: ['exportUserData'],
};

describe('trace context across the bus and gRPC', () => {
  let service: Service | undefined;
  beforeAll(() => provider.register());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
    exporter.reset();
  });

  it("continues the producer's trace in the consumer (traceparent in the envelope)", async () => {
    service = await startTestService(tracedService);
    const { db, outbox } = service.context;
    const producer = trace.getTracer('test').startSpan('POST /register');
    await context.with(trace.setSpan(context.active(), producer), () =>
      db.tx((tx) => outbox.enqueue(tx, UserRegistered, registered)),
    );
    producer.end();
    const { traceId, spanId } = producer.spanContext();

    const span = await until(() => exporter.getFinishedSpans().find((s) => s.name === 'users.user.registered process'));
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext?.spanId).toBe(spanId);
    expect(span.attributes['messaging.consumer.group.name']).toBe('welcome');
    // The handler runs inside that span, so its own database spans and calls join the trace too.
    expect(handledIn).toBe(traceId);
  });

  it('an event published outside any trace starts none in the envelope, and the consumer a new trace', async () => {
    service = await startTestService(tracedService);
    const { db, outbox } = service.context;
    await db.tx((tx) => outbox.enqueue(tx, UserRegistered, registered));
    const { rows } = await db.query<{ envelope: { traceparent?: string } }>('SELECT envelope FROM outbox');
    expect(rows[0]?.envelope.traceparent).toBeUndefined();
    const span = await until(() => exporter.getFinishedSpans().find((s) => s.name === 'users.user.registered process'));
    expect(span.parentSpanContext).toBeUndefined();
  });

  it("gives the gRPC server span the client's trace, and measures the call", async () => {
    service = await startTestService(tracedService, { listen: true });
    const client = createClient(USER_DATA, service.addresses!.grpcAddress, { deadlineMs: 2000 });
    const caller = trace.getTracer('test').startSpan('GET /export');
    try {
      const answer = await context.with(trace.setSpan(context.active(), caller), () =>
        client.exportUserData({ userId: 'usr_t' }),
      );
      caller.end();
      const { traceId } = caller.spanContext();
      expect(JSON.parse(answer.json).traceId).toBe(traceId);

      const spans = exporter.getFinishedSpans();
      const clientSpan = spans.find((s) => s.kind === SpanKind.CLIENT);
      const serverSpan = spans.find((s) => s.kind === SpanKind.SERVER);
      expect(clientSpan?.name).toBe('diaspora.common.v1.UserData/ExportUserData');
      expect(clientSpan?.spanContext().traceId).toBe(traceId);
      expect(serverSpan?.spanContext().traceId).toBe(traceId);
      expect(serverSpan?.parentSpanContext?.spanId).toBe(clientSpan?.spanContext().spanId);
      expect(serverSpan?.attributes['rpc.grpc.status_code']).toBe(0);
    } finally {
      client.close();
    }
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /^grpc_server_handling_seconds_count\{app_service="traced",grpc_service="diaspora.common.v1.UserData",grpc_method="ExportUserData",grpc_code="OK"\} 1$/m,
    );
  });
});
