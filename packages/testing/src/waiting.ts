import type { EventEnvelope } from '@diaspora/events';
import { decodeEnvelope, type EventBus } from '@diaspora/service-kit';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

/**
 * Polls `condition` until it returns a truthy value, and resolves with that value; fails after `timeoutMs`
 * (15 s: what is awaited arrives in milliseconds on an idle machine, and in seconds on a saturated CI one) saying
 * `what` it waited for.
 */
export async function until<T>(
  condition: () => T | Promise<T>,
  options: { what?: string; timeoutMs?: number } = {},
): Promise<Truthy<T>> {
  const { what = 'a condition', timeoutMs = 15_000 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Everything published on `subject` from now on, decoded, in the order it arrives. */
export async function collectPublished(
  service: { context: { bus: EventBus } },
  subject: string,
): Promise<EventEnvelope[]> {
  const received: EventEnvelope[] = [];
  await service.context.bus.subscribe({
    subject,
    durable: `test-${Math.random().toString(36).slice(2)}`,
    handler: async (delivery) => void received.push(decodeEnvelope(delivery.data)),
  });
  return received;
}
