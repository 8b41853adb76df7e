import type { Queryable } from '@diaspora/service-kit';
import type { Stores } from '../domain/ports.js';
import { PgExportStore, PgIdentityStore, PgTokenStore } from './account-repository.js';
import { PgGraphStore } from './graph-repository.js';
import { PgMemberStore } from './members-repository.js';
import { PgResetRequestStore } from './reset-requests-repository.js';
import { PgRoleStore } from './roles-repository.js';
import { PgSessionStore } from './sessions-repository.js';
import { PgUserStore } from './users-repository.js';

/** The user service's stores over any queryable: the pool for `uow.read`, a transaction for a scope. */
export function userStores(q: Queryable): Stores {
  return {
    users: new PgUserStore(q),
    sessions: new PgSessionStore(q),
    resetRequests: new PgResetRequestStore(q),
    graph: new PgGraphStore(q),
    members: new PgMemberStore(q),
    roles: new PgRoleStore(q),
    tokens: new PgTokenStore(q),
    identities: new PgIdentityStore(q),
    exports: new PgExportStore(q),
  };
}
