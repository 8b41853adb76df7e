import type { EventConsumer } from '@diaspora/service-kit';

/**
 * Events of other services this one listens to (`consumer(...)` / `idempotentConsumer(...)` from the kit).
 * None yet. users.user.deleted is the kit's once `userData` is in app.ts.
 */
export function integrationConsumers(): EventConsumer[] {
  return [];
}
