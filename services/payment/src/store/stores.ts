import type { Queryable } from '@diaspora/service-kit';
import type { Stores } from '../domain/ports.js';
import { SqlInvoices, SqlLedger, SqlPrivacy } from './ledger-repository.js';
import { SqlCustomers, SqlSubscriptions, SqlWebhookLog } from './subscriptions-repository.js';

/** The repositories over one queryable (the pool, or a transaction's client). */
export function paymentStores(q: Queryable): Stores {
  return {
    customers: new SqlCustomers(q),
    subscriptions: new SqlSubscriptions(q),
    webhooks: new SqlWebhookLog(q),
    ledger: new SqlLedger(q),
    invoices: new SqlInvoices(q),
    privacy: new SqlPrivacy(q),
  };
}
