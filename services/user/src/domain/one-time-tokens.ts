import { createHash, randomBytes } from 'node:crypto';
import { newId, Problem, problems } from '@diaspora/service-kit';
import type { TokenPurpose, TokenStore, VerificationTokenRecord } from './account-ports.js';

const PREFIX: Record<TokenPurpose, string> = { 'verify-email': 'ev_', 'reset-password': 'pr_' };

export const hashToken = (token: string) => createHash('sha256').update(token).digest();

/**
 * Mints a single-use emailed token: 256 random bits shown once (in the email), only its SHA-256 stored, with an
 * expiry. Older unused tokens of the same purpose are spent, so only the latest email works.
 */
export async function mintToken(
  tokens: TokenStore,
  input: { userId: string; email: string; purpose: TokenPurpose; ttlMs: number },
): Promise<string> {
  const token = `${PREFIX[input.purpose]}${randomBytes(32).toString('base64url')}`;
  await tokens.invalidateAll(input.userId, input.purpose);
  await tokens.insert({
    id: newId('vtk'),
    userId: input.userId,
    purpose: input.purpose,
    email: input.email,
    tokenHash: hashToken(token),
    expiresAt: new Date(Date.now() + input.ttlMs),
  });
  return token;
}

/**
 * The token's row, locked, if it may still be used: unknown or wrong-purpose tokens are 400, spent and expired
 * ones 410 (each with its own problem type, so clients can say "ask for a new link").
 */
export async function redeemable(
  tokens: TokenStore,
  token: string,
  purpose: TokenPurpose,
): Promise<VerificationTokenRecord> {
  const record = token.startsWith(PREFIX[purpose]) ? await tokens.findForUpdate(hashToken(token)) : null;
  if (!record || record.purpose !== purpose) {
    throw problems.badRequest('This link or code is not valid.', 'invalid-token');
  }
  if (record.usedAt) {
    throw new Problem(410, { type: 'token-used', detail: 'This link was already used or replaced by a newer one.' });
  }
  if (record.expiresAt.getTime() <= Date.now()) {
    throw new Problem(410, { type: 'token-expired', detail: 'This link has expired; ask for a new one.' });
  }
  return record;
}
