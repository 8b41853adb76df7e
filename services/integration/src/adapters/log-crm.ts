import type { Logger } from '@diaspora/service-kit';
import type { CrmConnector, CrmContact } from '../domain/ports.js';

/** The local connector (CRM_CONNECTOR=log): logs what would go to the CRM (member id and count, no email). */
export class LogCrmConnector implements CrmConnector {
  readonly name = 'log';
  constructor(private readonly logger: Logger) {}

  async upsertContact(contact: CrmContact): Promise<void> {
    this.logger.info(
      { userId: contact.userId, registrations: contact.registrations.length },
      'CRM contact upsert (log connector)',
    );
  }
}
