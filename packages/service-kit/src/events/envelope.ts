import type { EventData, EventDefinition, EventEnvelope } from '@diaspora/events';
import { context, propagation } from '@opentelemetry/api';
import { Value } from 'typebox/value';
import { newId } from '../ids.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function buildEnvelope<D extends EventDefinition>(
  source: string,
  definition: D,
  data: EventData<D>,
  options: { id?: string; occurredAt?: Date } = {},
): EventEnvelope<EventData<D>> {
  if (!Value.Check(definition.schema, data)) {
    const [first] = Value.Errors(definition.schema, data);
    // A producer bug, not bad input: fail loudly before anything is written.
    throw new Error(`${definition.subject} payload is invalid at ${first?.instancePath || '/'}: ${first?.message}`);
  }
  // The trace of the request that made the event (the outbox relay publishes it later, outside that trace).
  const trace: { traceparent?: string } = {};
  propagation.inject(context.active(), trace);
  return {
    id: options.id ?? newId('evt'),
    subject: definition.subject,
    v: definition.version,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    source,
    data,
    ...(trace.traceparent ? { traceparent: trace.traceparent } : {}),
  };
}

export function encodeEnvelope(envelope: EventEnvelope): Uint8Array {
  return encoder.encode(JSON.stringify(envelope));
}

export function decodeEnvelope(bytes: Uint8Array): EventEnvelope {
  return JSON.parse(decoder.decode(bytes)) as EventEnvelope;
}
