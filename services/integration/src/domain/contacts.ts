import { type FieldError, problems } from '@diaspora/service-kit';
import type { ContactMatch, ContactMatcher } from './ports.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;
export const MAX_HASHES = 1000;

/**
 * Contact discovery: a member uploads SHA-256 hashes of their address book (trimmed lower-cased emails, E.164
 * phones) and learns which members they match, among those whose privacy lets them be found that way. The hashes
 * are passed through to the user service and forgotten: never stored, never logged (request logging omits bodies).
 */
export class ContactDiscovery {
  constructor(private readonly matcher: ContactMatcher) {}

  async import(viewerId: string, input: { emailHashes?: string[]; phoneHashes?: string[] }) {
    const errors: FieldError[] = [];
    const clean = (field: 'emailHashes' | 'phoneHashes') => {
      const hashes = (input[field] ?? []).map((hash) => hash.toLowerCase());
      hashes.forEach((hash, index) => {
        if (!SHA256_HEX.test(hash))
          errors.push({ field: `/${field}/${index}`, message: 'must be 64 hex characters (SHA-256)' });
      });
      return [...new Set(hashes)];
    };
    const emailHashes = clean('emailHashes');
    const phoneHashes = clean('phoneHashes');
    if (errors.length) throw problems.validation(errors.slice(0, 20), 'Some hashes are not SHA-256 hex digests.');
    if (emailHashes.length + phoneHashes.length === 0)
      throw problems.validation([{ field: '/', message: 'give emailHashes or phoneHashes' }]);
    const matches: ContactMatch[] = await this.matcher.match(viewerId, emailHashes, phoneHashes);
    return { matches };
  }
}
