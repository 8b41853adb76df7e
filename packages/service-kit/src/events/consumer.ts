import type { EventData, EventDefinition, EventEnvelope } from '@diaspora/events';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { PoolClient } from 'pg';
import { Value } from 'typebox/value';
import type { Delivery, DeliveryHandler } from '../bus/types.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import { decodeEnvelope } from './envelope.js';

/** A durable subscription of a service to one event, declared by the service and started by the runtime. */
export interface EventConsumer {
  /** Unique within the service; the durable consumer is `<service>-<name>`. */
  name: string;
  event: EventDefinition;
  handle(envelope: EventEnvelope, delivery: Delivery): Promise<void>;
  maxDeliver?: number;
}

export function consumer<D extends EventDefinition>(
  name: string,
  event: D,
  handle: (data: EventData<D>, envelope: EventEnvelope<EventData<D>>) => Promise<void>,
  options: { maxDeliver?: number } = {},
): EventConsumer {
  return {
    name,
    event,
    handle: (envelope) => handle(envelope.data as EventData<D>, envelope as EventEnvelope<EventData<D>>),
    ...options,
  };
}

/**
 * Exactly-once effects over at-least-once delivery: the event id is recorded in `processed_events` in the same
 * transaction as the handler's writes, so a redelivered or duplicated event changes nothing.
 */
export function idempotentConsumer<D extends EventDefinition>(
  db: Database,
  name: string,
  event: D,
  handle: (tx: PoolClient, data: EventData<D>, envelope: EventEnvelope<EventData<D>>) => Promise<void>,
  options: { maxDeliver?: number } = {},
): EventConsumer {
  return consumer(
    name,
    event,
    (data, envelope) =>
      db.tx(async (tx) => {
        const first = await tx.query(
          'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [name, envelope.id],
        );
        if (first.rowCount === 1) await handle(tx, data, envelope);
      }),
    options,
  );
}

const tracer = trace.getTracer('@diaspora/service-kit/events');

/** Adapts a consumer to the bus: decodes, checks the payload against its schema, and hands it over. */
export function deliveryHandler(
  consumer: EventConsumer,
  logger: Logger,
  /** Sees each well-formed envelope before it is handled (the runtime measures consumer lag with it). */
  observe?: (envelope: EventEnvelope) => void,
): DeliveryHandler {
  return async (delivery) => {
    let envelope: EventEnvelope;
    try {
      envelope = decodeEnvelope(delivery.data);
    } catch {
      logger.error({ eventId: delivery.id, subject: delivery.subject }, 'undecodable event dropped');
      return;
    }
    if (envelope.v !== consumer.event.version || !Value.Check(consumer.event.schema, envelope.data)) {
      // Retrying cannot fix a payload of the wrong shape: record it and move on.
      logger.error(
        { eventId: envelope.id, subject: envelope.subject, v: envelope.v },
        'event failed its schema; dropped',
      );
      return;
    }
    observe?.(envelope);
    // The handling continues the producer's trace (traceparent in the envelope) in a CONSUMER span.
    const parent = propagation.extract(context.active(), { traceparent: envelope.traceparent });
    await tracer.startActiveSpan(
      `${envelope.subject} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.destination.name': envelope.subject,
          'messaging.message.id': envelope.id,
          'messaging.consumer.group.name': consumer.name,
        },
      },
      parent,
      async (span) => {
        try {
          await consumer.handle(envelope, delivery);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  };
}
