import type { Queryable } from '@diaspora/service-kit';
import type {
  InvoiceRecord,
  InvoiceStore,
  Ledger,
  ProviderName,
  Pseudonymizer,
  TransactionRecord,
} from '../domain/ports.js';

type TransactionRow = {
  id: string;
  user_id: string;
  kind: TransactionRecord['kind'];
  amount_cents: string;
  currency: string;
  status: TransactionRecord['status'];
  provider: ProviderName;
  provider_ref: string;
  subscription_id: string | null;
  event_id: string | null;
  refund_of: string | null;
  created_at: Date;
};

type InvoiceRow = {
  id: string;
  number: string;
  user_id: string;
  transaction_id: string;
  amount_cents: string;
  currency: string;
  status: InvoiceRecord['status'];
  url: string | null;
  created_at: Date;
};

const toTransaction = (row: TransactionRow): TransactionRecord => ({
  id: row.id,
  userId: row.user_id,
  kind: row.kind,
  amountCents: Number(row.amount_cents),
  currency: row.currency,
  status: row.status,
  provider: row.provider,
  providerRef: row.provider_ref,
  subscriptionId: row.subscription_id,
  eventId: row.event_id,
  refundOf: row.refund_of,
  createdAt: row.created_at,
});

const toInvoice = (row: InvoiceRow): InvoiceRecord => ({
  id: row.id,
  number: row.number,
  userId: row.user_id,
  transactionId: row.transaction_id,
  amountCents: Number(row.amount_cents),
  currency: row.currency,
  status: row.status,
  url: row.url,
  createdAt: row.created_at,
});

export class SqlLedger implements Ledger {
  constructor(private readonly q: Queryable) {}

  async append(row: Omit<TransactionRecord, 'createdAt'>) {
    const { rows } = await this.q.query<TransactionRow>(
      `INSERT INTO transactions (id, user_id, kind, amount_cents, currency, status, provider, provider_ref,
         subscription_id, event_id, refund_of)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT DO NOTHING RETURNING *`,
      [
        row.id,
        row.userId,
        row.kind,
        row.amountCents,
        row.currency,
        row.status,
        row.provider,
        row.providerRef,
        row.subscriptionId,
        row.eventId,
        row.refundOf,
      ],
    );
    return rows[0] ? toTransaction(rows[0]) : null;
  }

  async page(userId: string, limit: number, beforeId?: string) {
    const { rows } = await this.q.query<TransactionRow>(
      `SELECT * FROM transactions WHERE user_id = $1 AND ($2::text IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [userId, beforeId ?? null, limit],
    );
    return rows.map(toTransaction);
  }

  async unrefundedTickets(eventId: string) {
    const { rows } = await this.q.query<TransactionRow>(
      `SELECT t.* FROM transactions t
       WHERE t.event_id = $1 AND t.kind = 'ticket'
         AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.refund_of = t.id)
       ORDER BY t.id`,
      [eventId],
    );
    return rows.map(toTransaction);
  }

  async find(id: string) {
    const { rows } = await this.q.query<TransactionRow>('SELECT * FROM transactions WHERE id = $1', [id]);
    return rows[0] ? toTransaction(rows[0]) : null;
  }
}

export class SqlInvoices implements InvoiceStore {
  constructor(private readonly q: Queryable) {}

  async issue(invoice: Omit<InvoiceRecord, 'number'>) {
    const year = invoice.createdAt.getUTCFullYear();
    // The upsert locks the year's row until this transaction ends: concurrent issuers queue, a rollback frees
    // the number again, so the sequence has no gaps.
    const { rows: counter } = await this.q.query<{ last: number }>(
      `INSERT INTO invoice_counters (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = invoice_counters.last + 1 RETURNING last`,
      [year],
    );
    const number = `${year}-${String(counter[0]?.last).padStart(6, '0')}`;
    const { rows } = await this.q.query<InvoiceRow>(
      `INSERT INTO invoices (id, number, user_id, transaction_id, amount_cents, currency, status, url, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [
        invoice.id,
        number,
        invoice.userId,
        invoice.transactionId,
        invoice.amountCents,
        invoice.currency,
        invoice.status,
        invoice.url,
        invoice.createdAt,
      ],
    );
    return toInvoice(rows[0] as InvoiceRow);
  }

  async markRefunded(transactionId: string) {
    await this.q.query(`UPDATE invoices SET status = 'refunded' WHERE transaction_id = $1`, [transactionId]);
  }

  async page(userId: string, limit: number, beforeId?: string) {
    const { rows } = await this.q.query<InvoiceRow>(
      `SELECT * FROM invoices WHERE user_id = $1 AND ($2::text IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [userId, beforeId ?? null, limit],
    );
    return rows.map(toInvoice);
  }

  async find(id: string) {
    const { rows } = await this.q.query<InvoiceRow>('SELECT * FROM invoices WHERE id = $1', [id]);
    return rows[0] ? toInvoice(rows[0]) : null;
  }
}

/** GDPR: the ledger stays (legal retention), but no row names the member any more. */
export class SqlPrivacy implements Pseudonymizer {
  constructor(private readonly q: Queryable) {}

  async pseudonymize(userId: string, pseudonym: string) {
    for (const table of ['transactions', 'invoices', 'subscriptions', 'customers'])
      await this.q.query(`UPDATE ${table} SET user_id = $2 WHERE user_id = $1`, [userId, pseudonym]);
  }

  async exportFor(userId: string) {
    const [subscriptions, transactions, invoices] = await Promise.all(
      [
        `SELECT id, provider, plan, status, current_period_end AS "currentPeriodEnd",
           cancel_at_period_end AS "cancelAtPeriodEnd", created_at AS "createdAt" FROM subscriptions`,
        `SELECT id, kind, amount_cents::int AS "amountCents", currency, status, provider, event_id AS "eventId",
           created_at AS "createdAt" FROM transactions`,
        `SELECT id, number, amount_cents::int AS "amountCents", currency, status, created_at AS "createdAt"
           FROM invoices`,
      ].map(async (select) => (await this.q.query(`${select} WHERE user_id = $1 ORDER BY id`, [userId])).rows),
    );
    return { subscriptions: subscriptions ?? [], transactions: transactions ?? [], invoices: invoices ?? [] };
  }
}
