import { bearerSecurity, callerOf, type HttpApp, problemResponses } from '@diaspora/service-kit';
import type { ContactDiscovery } from '../domain/contacts.js';
import { ContactImportBody, ContactMatches } from './schemas.js';

export async function contactRoutes(app: HttpApp, deps: { contacts: ContactDiscovery }) {
  app.post(
    '/api/v1/integrations/contacts/import',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['contacts'],
        security: bearerSecurity,
        summary: 'Find members from your address book by hashes',
        description:
          'SHA-256 hex of each trimmed lower-cased email or E.164 phone. Only members whose privacy lets them be ' +
          'found by that contact are returned; the hashes are not stored.',
        body: ContactImportBody,
        response: { 200: ContactMatches, ...problemResponses(400, 401, 503) },
      },
    },
    async (request) => deps.contacts.import(callerOf(request).sub, request.body),
  );
}
