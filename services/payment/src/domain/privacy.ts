import { newId } from '@diaspora/service-kit';
import type { Scope, UnitOfWork } from './ports.js';

/**
 * GDPR. The export is the member's subscriptions, payments and invoices. Erasure cannot delete them — the ledger
 * and invoices are kept for the legal retention period — so it cuts the link instead: every row that named the
 * member now carries one random pseudonym (the rows of one former member stay together for the accountant, and
 * nothing maps the pseudonym back). The provider's customer keeps only its own id.
 */
export class Privacy {
  constructor(private readonly uow: UnitOfWork) {}

  async export(userId: string) {
    return this.uow.read.privacy.exportFor(userId);
  }

  async erase(scope: Scope, userId: string) {
    await scope.privacy.pseudonymize(userId, newId('anon'));
  }
}
