import { UserDeleted } from '@diaspora/events';
import { buildEnvelope, encodeEnvelope } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, member, startPayments } from '../fixtures.js';

describe('GDPR', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startPayments();
  });
  afterAll(async () => h?.close());

  it('exports the member’s billing, and erasure keeps the ledger but cuts the link to the member', async () => {
    const erin = member();
    const checkout = await h.app.inject({
      method: 'POST',
      url: '/api/v1/payments/subscriptions',
      headers: erin.headers,
      payload: { plan: 'premium-yearly-eur', provider: 'stripe' },
    });
    await h.app.inject({ method: 'POST', url: `${new URL(checkout.json().checkoutUrl).pathname}/complete` });

    const { Privacy } = await import('../../src/domain/privacy.js');
    const { createUnitOfWork } = await import('@diaspora/service-kit');
    const { paymentStores } = await import('../../src/store/stores.js');
    const privacy = new Privacy(createUnitOfWork(h.service.context.db, h.service.context.outbox, paymentStores));
    const archive = await privacy.export(erin.id);
    expect(archive.subscriptions).toEqual([expect.objectContaining({ plan: 'premium-yearly-eur', status: 'active' })]);
    expect(archive.transactions).toEqual([expect.objectContaining({ kind: 'subscription', amountCents: 4990 })]);
    expect(archive.invoices).toHaveLength(1);

    const envelope = buildEnvelope('user', UserDeleted, { userId: erin.id, deletedAt: new Date().toISOString() });
    await h.service.context.bus.publish({
      id: envelope.id,
      subject: UserDeleted.subject,
      data: encodeEnvelope(envelope),
    });
    await until(async () => (await privacy.export(erin.id)).transactions.length === 0, { what: 'the erasure' });
    const { rows } = await h.service.context.db.query<{ user_id: string; n: number }>(
      `SELECT user_id, count(*)::int AS n FROM transactions WHERE user_id LIKE 'anon_%' GROUP BY user_id`,
    );
    expect(rows.some((row) => row.n === 1)).toBe(true);
    // No further billing: the provider's subscription ended, and premium with it.
    const { rows: atProvider } = await h.service.context.db.query(
      `SELECT data->>'status' AS status FROM local_provider_objects WHERE kind = 'subscription' AND data->'metadata'->>'userId' = $1`,
      [erin.id],
    );
    expect(atProvider).toEqual([{ status: 'canceled' }]);
    const { rows: ended } = await h.service.context.db.query(
      `SELECT status, granted FROM subscriptions WHERE user_id LIKE 'anon_%' AND plan = 'premium-yearly-eur'`,
    );
    expect(ended).toContainEqual({ status: 'canceled', granted: false });
    const left = await h.service.context.db.query(
      `SELECT 1 FROM customers WHERE user_id = $1 UNION ALL SELECT 1 FROM subscriptions WHERE user_id = $1
       UNION ALL SELECT 1 FROM invoices WHERE user_id = $1`,
      [erin.id],
    );
    expect(left.rows).toHaveLength(0);
    // The erased member's token may already be refused (401); if not, they see nothing.
    const after = await h.app.inject({ method: 'GET', url: '/api/v1/payments/invoices', headers: erin.headers });
    expect(after.statusCode === 401 || after.json().items.length === 0).toBe(true);
  });
});
