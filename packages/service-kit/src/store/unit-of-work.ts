import type { EventData, EventDefinition } from '@diaspora/events';
import type { Database, Queryable } from '../db/database.js';
import type { Outbox } from '../events/outbox.js';

/** Where a use case's domain events go: the outbox, in the transaction of the change they describe. */
export interface EventPublisher {
  publish<D extends EventDefinition>(definition: D, data: EventData<D>): Promise<void>;
}

/** The stores of one transaction plus `publish`: what commits together, or not at all. */
export type Scope<S> = S & EventPublisher;

/**
 * One vocabulary for every service: `read` holds the stores outside any transaction, `run` opens one and hands
 * its scope to the work, `scopeFor` wraps a transaction someone else opened (an idempotent consumer's, say).
 */
export interface UnitOfWork<S> {
  readonly read: S;
  run<T>(work: (scope: Scope<S>) => Promise<T>): Promise<T>;
  scopeFor(tx: Queryable): Scope<S>;
}

/**
 * Builds a service's unit of work from one function that makes its stores over any queryable (the pool for
 * `read`, a transaction's client for a scope), so stores never know whether they run inside a transaction.
 */
export function createUnitOfWork<S extends object>(
  db: Database,
  outbox: Outbox,
  stores: (q: Queryable) => S,
): UnitOfWork<S> {
  const scopeFor = (tx: Queryable): Scope<S> =>
    Object.assign(stores(tx), {
      publish: async <D extends EventDefinition>(definition: D, data: EventData<D>) =>
        void (await outbox.enqueue(tx, definition, data)),
    });
  return {
    read: stores(db),
    run: (work) => db.tx((tx) => work(scopeFor(tx))),
    scopeFor,
  };
}
