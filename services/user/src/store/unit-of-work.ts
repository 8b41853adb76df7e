import type { Database, Outbox, Queryable } from '@diaspora/service-kit';
import type { Scope, UnitOfWork } from '../domain/ports.js';
import { PgExportStore, PgIdentityStore, PgTokenStore } from './account-repository.js';
import { PgGraphStore } from './graph-repository.js';
import { PgRoleStore } from './roles-repository.js';
import { PgSessionStore } from './sessions-repository.js';
import { PgUserStore } from './users-repository.js';

function stores(db: Queryable) {
  return {
    users: new PgUserStore(db),
    sessions: new PgSessionStore(db),
    graph: new PgGraphStore(db),
    roles: new PgRoleStore(db),
    tokens: new PgTokenStore(db),
    identities: new PgIdentityStore(db),
    exports: new PgExportStore(db),
  };
}

export class PgUnitOfWork implements UnitOfWork {
  readonly users: PgUserStore;
  readonly graph: PgGraphStore;
  readonly roles: PgRoleStore;
  readonly sessions: PgSessionStore;
  readonly identities: PgIdentityStore;
  readonly exports: PgExportStore;

  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
  ) {
    const readers = stores(db);
    this.users = readers.users;
    this.graph = readers.graph;
    this.roles = readers.roles;
    this.sessions = readers.sessions;
    this.identities = readers.identities;
    this.exports = readers.exports;
  }

  run<T>(work: (scope: Scope) => Promise<T>): Promise<T> {
    return this.db.tx((tx) => work(this.bind(tx)));
  }

  /** A scope over a transaction someone else opened (an idempotent consumer's, say). */
  bind(tx: Queryable): Scope {
    return {
      ...stores(tx),
      events: { publish: async (definition, data) => void (await this.outbox.enqueue(tx, definition, data)) },
    };
  }
}
