import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startPayments } from './fixtures.js';

describe('payment service', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startPayments();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('boots and reports ready', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
  });

  it('describes its API', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const spec = response.json();
    expect(spec.info.title).toBe('Payment service');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/payments/plans',
        '/api/v1/payments/subscriptions',
        '/api/v1/payments/webhooks/stripe',
        '/api/v1/payments/invoices/{id}',
      ]),
    );
  });
});
