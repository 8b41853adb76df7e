import type { Database, Outbox } from '@diaspora/service-kit';
import type { Scope, UnitOfWork } from '../domain/ports.js';
import { PgSessionStore } from './sessions-repository.js';
import { PgUserStore } from './users-repository.js';

export class PgUnitOfWork implements UnitOfWork {
  readonly users: PgUserStore;

  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
  ) {
    this.users = new PgUserStore(db);
  }

  run<T>(work: (scope: Scope) => Promise<T>): Promise<T> {
    return this.db.tx((tx) =>
      work({
        users: new PgUserStore(tx),
        sessions: new PgSessionStore(tx),
        events: { publish: async (definition, data) => void (await this.outbox.enqueue(tx, definition, data)) },
      }),
    );
  }
}
