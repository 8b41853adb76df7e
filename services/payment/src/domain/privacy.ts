import { newId } from '@diaspora/service-kit';
import type { PaymentProvider, ProviderName, Scope, UnitOfWork } from './ports.js';

/**
 * GDPR. The export is the member's subscriptions, payments and invoices. Erasure cannot delete them — the ledger
 * and invoices are kept for the legal retention period — so it cuts the link instead: every row that named the
 * member now carries one random pseudonym (the rows of one former member stay together for the accountant, and
 * nothing maps the pseudonym back). The provider's customer keeps only its own id.
 */
export class Privacy {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly providers: Map<ProviderName, PaymentProvider> = new Map(),
  ) {}

  async export(userId: string) {
    return this.uow.read.privacy.exportFor(userId);
  }

  /**
   * A deleted account must not be billed again: its live subscriptions are canceled at the provider first (a
   * provider that cannot be reached fails the erasure, which the bus retries), then the rows are pseudonymized.
   */
  async erase(scope: Scope, userId: string) {
    for (const subscription of await scope.subscriptions.liveFor(userId)) {
      const provider = this.providers.get(subscription.provider);
      if (!provider) throw new Error(`no ${subscription.provider} provider to cancel ${subscription.id}`);
      await provider.cancelNow(subscription.providerSubscriptionId, subscription.id);
      await scope.subscriptions.save({ ...subscription, status: 'canceled', granted: false, updatedAt: new Date() });
    }
    await scope.privacy.pseudonymize(userId, newId('anon'));
  }
}
