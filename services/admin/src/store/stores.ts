import type { Queryable } from '@diaspora/service-kit';
import type { Stores } from '../domain/ports.js';
import { PgAnalyticsStore } from './analytics-repository.js';
import { PgAuditStore } from './audit-repository.js';
import { PgCaseStore } from './cases-repository.js';
import { PgMemberStore } from './members-repository.js';
import { PgSettingsStore } from './settings-repository.js';

/** The admin service's stores over one queryable: the pool for `uow.read`, a transaction's client in a scope. */
export function adminStores(q: Queryable): Stores {
  return {
    members: new PgMemberStore(q),
    audit: new PgAuditStore(q),
    cases: new PgCaseStore(q),
    analytics: new PgAnalyticsStore(q),
    settings: new PgSettingsStore(q),
  };
}
