import { createUnitOfWork, newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPayment } from '../../src/domain/payments.js';
import type { Stores } from '../../src/domain/ports.js';
import { paymentStores } from '../../src/store/stores.js';
import { type Harness, startPayments } from '../fixtures.js';

describe('ledger and invoices (PostgreSQL)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startPayments({ env: { BILLING_CHORE_MS: '3600000' } });
  });
  afterAll(async () => h?.close());

  const uow = () => createUnitOfWork<Stores>(h.service.context.db, h.service.context.outbox, paymentStores);
  const pay = (userId: string, now = new Date()) =>
    uow().run((scope) =>
      recordPayment(scope, {
        provider: 'stripe',
        providerRef: `in_${newId('x')}`,
        userId,
        kind: 'subscription',
        amountCents: 499,
        currency: 'EUR',
        now,
      }),
    );

  it('numbers invoices per year without gaps, under concurrency and across a rolled-back issue', async () => {
    const year = 2031;
    const at = new Date(Date.UTC(year, 5, 1));
    // One issue rolls back after taking a number: the number is free again.
    await expect(
      uow().run(async (scope) => {
        await recordPayment(scope, {
          provider: 'stripe',
          providerRef: `in_${newId('x')}`,
          userId: newId('usr'),
          kind: 'subscription',
          amountCents: 100,
          currency: 'EUR',
          now: at,
        });
        throw new Error('provider said no after all');
      }),
    ).rejects.toThrow('provider said no');
    await Promise.all(Array.from({ length: 20 }, () => pay(newId('usr'), at)));
    const { rows } = await h.service.context.db.query<{ number: string }>(
      `SELECT number FROM invoices WHERE number LIKE '${year}-%' ORDER BY number`,
    );
    expect(rows.map((r) => r.number)).toEqual(
      Array.from({ length: 20 }, (_, i) => `${year}-${String(i + 1).padStart(6, '0')}`),
    );
    // A new year starts at 1 again.
    await pay(newId('usr'), new Date(Date.UTC(year + 1, 0, 1)));
    const next = await h.service.context.db.query(`SELECT number FROM invoices WHERE number LIKE '${year + 1}-%'`);
    expect(next.rows).toEqual([{ number: `${year + 1}-000001` }]);
  });

  it('the same provider reference is recorded once', async () => {
    const userId = newId('usr');
    const input = {
      provider: 'stripe' as const,
      providerRef: `in_${newId('x')}`,
      userId,
      kind: 'subscription' as const,
      amountCents: 499,
      currency: 'EUR',
      now: new Date(),
    };
    const first = await uow().run((scope) => recordPayment(scope, input));
    const second = await uow().run((scope) => recordPayment(scope, input));
    expect(first?.id).toMatch(/^pay_/);
    expect(second).toBeNull();
    expect((await uow().read.invoices.page(userId, 10)).length).toBe(1);
  });

  it('transactions are append-only: no delete, no change but the pseudonymization of user_id', async () => {
    const payment = await pay(newId('usr'));
    const { db } = h.service.context;
    await expect(db.query('DELETE FROM transactions WHERE id = $1', [payment?.id])).rejects.toThrow(/append-only/);
    await expect(db.query('UPDATE transactions SET amount_cents = 1 WHERE id = $1', [payment?.id])).rejects.toThrow(
      /append-only/,
    );
    await db.query(`UPDATE transactions SET user_id = 'anon_x' WHERE id = $1`, [payment?.id]);
  });
});
