import { UserRegistered } from '@diaspora/events';
import { consumer, defineService, type Service } from '@diaspora/service-kit';
import { startTestService, until } from '@diaspora/testing';
import { afterEach, describe, expect, it } from 'vitest';

const registered = {
  userId: 'usr_m',
  displayName: 'M',
  originCountry: 'SN',
  residenceCountry: 'FR',
  residenceCity: 'Lyon',
  languages: ['fr'],
  domains: [],
  registeredAt: new Date().toISOString(),
};

/** Two consumers of one event: one handles it, one always fails and has a single delivery. */
const meteredService = defineService({
  name: 'metered',
  openapi: { title: 'Metered', description: 'test service', version: '1.0.0' },
  config: {},
  migrations: [],
  async setup() {
    return {
      async routes() {},
      consumers: [
        consumer('welcome', UserRegistered, async () => {}),
        consumer(
          'broken',
          UserRegistered,
          async () => {
            throw new Error('always');
          },
          { maxDeliver: 1 },
        ),
      ],
    };
  },
});

async function scrape(service: Service): Promise<string> {
  return (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
}

describe('service metrics', () => {
  let service: Service | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('labels every series app_service (never service), counts published subjects, lag, dead letters and the pool', async () => {
    service = await startTestService(meteredService);
    const { db, outbox } = service.context;
    await db.tx((tx) => outbox.enqueue(tx, UserRegistered, registered));

    await until(async () => (await scrape(service!)).includes('outcome="dead_lettered"'), { what: 'dead letter' });
    await until(async () => (await scrape(service!)).includes('consumer="welcome",outcome="ok"'));
    await until(async () => (await scrape(service!)).includes('outbox_events_published_total{'));
    const text = await scrape(service);

    expect(text).toMatch(/^outbox_events_published_total\{subject="users.user.registered",app_service="metered"\} 1$/m);
    expect(text).toMatch(
      /^events_consumed_total\{consumer="broken",outcome="dead_lettered",app_service="metered"\} 1$/m,
    );
    expect(text).not.toMatch(/consumer="broken",outcome="retry"/);
    const lag = text.match(/^event_consumer_lag_seconds\{consumer="welcome",app_service="metered"\} (\S+)$/m);
    expect(Number(lag?.[1])).toBeGreaterThanOrEqual(0);
    expect(Number(lag?.[1])).toBeLessThan(30);
    const total = text.match(/^db_pool_connections\{state="total",app_service="metered"\} (\d+)$/m);
    expect(Number(total?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/^db_pool_connections\{state="waiting",app_service="metered"\} 0$/m);
    // Prometheus owns `service` (the target's Kubernetes Service): no series of ours may carry it.
    expect(text).not.toMatch(/[{,]service="/);
  });
});
