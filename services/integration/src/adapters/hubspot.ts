import { Client } from '@hubspot/api-client';
import type { CrmConnector, CrmContact } from '../domain/ports.js';

/** Our own contact properties, made in the portal on first use (a 409 means they exist already). */
const PROPERTIES = [
  { name: 'diaspora_user_id', label: 'Diaspora member id' },
  { name: 'diaspora_registrations', label: 'Diaspora upcoming registrations' },
];

/** HubSpot contacts through `@hubspot/api-client` (a private app's access token; `basePath` for a local fake). */
export class HubSpotConnector implements CrmConnector {
  readonly name = 'hubspot';
  private readonly client: Client;
  private propertiesReady: Promise<void> | undefined;

  constructor(options: { accessToken: string; basePath?: string }) {
    this.client = new Client({
      accessToken: options.accessToken,
      ...(options.basePath ? { basePath: options.basePath.replace(/\/$/, '') } : {}),
      numberOfApiCallRetries: 2,
    });
  }

  async upsertContact(contact: CrmContact): Promise<void> {
    this.propertiesReady ??= this.ensureProperties().catch((error: unknown) => {
      this.propertiesReady = undefined;
      throw error;
    });
    await this.propertiesReady;
    const [firstname, ...rest] = contact.displayName.trim().split(/\s+/);
    await this.client.crm.contacts.batchApi.upsert({
      inputs: [
        {
          idProperty: 'email',
          id: contact.email,
          properties: {
            email: contact.email,
            firstname: firstname ?? '',
            lastname: rest.join(' '),
            diaspora_user_id: contact.userId,
            diaspora_registrations: contact.registrations
              .map((r) => `${r.startsAt.toISOString().slice(0, 10)} ${r.title} (${r.eventId})`)
              .join('; '),
          },
        },
      ],
    });
  }

  private async ensureProperties() {
    for (const property of PROPERTIES) {
      try {
        await this.client.crm.properties.coreApi.create('contacts', {
          ...property,
          type: 'string' as never,
          fieldType: 'textarea' as never,
          groupName: 'contactinformation',
        });
      } catch (error) {
        if ((error as { code?: number }).code !== 409) throw error;
      }
    }
  }
}
