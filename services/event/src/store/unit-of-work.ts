import type { Database, Outbox, Queryable } from '@diaspora/service-kit';
import type PgBoss from 'pg-boss';
import type { Scope, UnitOfWork } from '../domain/ports.js';
import { PgEventStore } from './events-repository.js';
import { PgBossJobScheduler } from './job-scheduler.js';
import { PgRatingStore } from './ratings-repository.js';
import { PgRegistrationStore } from './registrations-repository.js';
import { PgRoleStore } from './roles-repository.js';

export class PgUnitOfWork implements UnitOfWork {
  readonly read: UnitOfWork['read'];

  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly boss: PgBoss,
    private readonly reminderOffsetsMinutes: number[],
  ) {
    this.read = {
      events: new PgEventStore(db),
      roles: new PgRoleStore(db),
      registrations: new PgRegistrationStore(db),
      ratings: new PgRatingStore(db),
    };
  }

  run<T>(work: (scope: Scope) => Promise<T>): Promise<T> {
    return this.db.tx((tx) => work(this.scopeFor(tx)));
  }

  /** A scope over a transaction someone else opened (an idempotent consumer's, say). */
  scopeFor(tx: Queryable): Scope {
    return {
      events: new PgEventStore(tx),
      roles: new PgRoleStore(tx),
      registrations: new PgRegistrationStore(tx),
      ratings: new PgRatingStore(tx),
      jobs: new PgBossJobScheduler(this.boss, tx, this.reminderOffsetsMinutes),
      outbox: { publish: async (definition, data) => void (await this.outbox.enqueue(tx, definition, data)) },
    };
  }
}
