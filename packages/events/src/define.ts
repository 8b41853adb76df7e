import type { Static, TSchema } from 'typebox';

/** Subjects are `<service>.<entity>.<past-tense verb>`; the first token names the JetStream stream. */
const SUBJECT = /^[a-z]+\.[a-z_]+\.[a-z_]+$/;

export interface EventDefinition<S extends TSchema = TSchema> {
  readonly subject: string;
  /** Payload version; a breaking payload change gets a new version and both are published during a migration. */
  readonly version: number;
  readonly schema: S;
  readonly description: string;
}

export type EventData<D extends EventDefinition> = Static<D['schema']>;

/** What travels on the bus: the payload wrapped with identity and provenance. `id` is also the dedup key. */
export interface EventEnvelope<T = unknown> {
  id: string;
  subject: string;
  v: number;
  occurredAt: string;
  source: string;
  data: T;
  /** W3C trace context of the producer (when tracing is on), so consumers continue its trace. */
  traceparent?: string;
}

export function defineEvent<S extends TSchema>(definition: EventDefinition<S>): EventDefinition<S> {
  if (!SUBJECT.test(definition.subject)) {
    throw new Error(`event subject "${definition.subject}" must look like <service>.<entity>.<verb>`);
  }
  return Object.freeze(definition);
}
