import { ErrorCode, type JetStreamManager, NatsError } from 'nats';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { NatsBus } from '../../src/bus/nats.js';
import type { Delivery } from '../../src/bus/types.js';
import { deleteNatsStreams, uniqueDomain } from './helpers.js';

const natsUrl = process.env.NATS_URL;

describe.skipIf(!natsUrl)('NatsBus subscription setup (needs NATS_URL)', () => {
  const domain = uniqueDomain();
  afterAll(() => deleteNatsStreams(natsUrl!, [domain]));

  it('retries JetStream requests that time out instead of failing the subscription', async () => {
    const bus = await NatsBus.connect(natsUrl!, { name: 'nats-setup-test' });
    try {
      // A saturated server answers the consumer lookup late twice, as seen during rolling restarts.
      const manager = (bus as unknown as { manager: JetStreamManager }).manager;
      const lookup = manager.consumers.info.bind(manager.consumers);
      let timeouts = 2;
      vi.spyOn(manager.consumers, 'info').mockImplementation((...args) =>
        timeouts-- > 0 ? Promise.reject(new NatsError('TIMEOUT', ErrorCode.Timeout)) : lookup(...args),
      );
      const received: Delivery[] = [];
      const subscription = await bus.subscribe({
        subject: `${domain}.thing.happened`,
        durable: 'setup-retry',
        handler: async (delivery) => {
          received.push(delivery);
        },
      });
      await bus.publish({ id: 'evt-1', subject: `${domain}.thing.happened`, data: new Uint8Array([1]) });
      await vi.waitFor(() => expect(received.map((delivery) => delivery.id)).toEqual(['evt-1']), { timeout: 10_000 });
      expect(timeouts).toBeLessThan(0);
      await subscription.stop();
    } finally {
      await bus.close();
    }
  });
});
