import { createRequire } from 'node:module';
import type { FieldError } from '@diaspora/service-kit';
import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';

export const PASSWORD_MIN_LENGTH = 10;
/** bcrypt reads at most 72 bytes; longer passwords would be silently truncated, so they are refused. */
export const PASSWORD_MAX_BYTES = 72;
/**
 * zxcvbn score (0–4) a password must reach. 3 means about 10^8 guesses or more ("safely unguessable: moderate
 * protection from offline slow-hash scenario", and our hash is bcrypt): it refuses what the dictionaries (common
 * passwords, English and French words, names, Wikipedia and TV words) and keyboard patterns make cheap, with years
 * and l33t variants, while passphrases of a few ordinary words pass (the README's "a long passphrase here" scores 4).
 */
export const PASSWORD_MIN_SCORE = 3;
/**
 * zxcvbn tries l33t substitutions combinatorially: with its default (100) a 72-byte password of symbols took ~1 s
 * of CPU, a DoS on the registration route; 3 substitutions still catch "P@ssw0rd2024" and "1l0v3y0u2024" and keep
 * the worst case we measured near 50 ms (a bcrypt hash costs more).
 */
const L33T_MAX_SUBSTITUTIONS = 3;

let factory: ZxcvbnFactory | undefined;

/**
 * The estimator, built on first use: its dictionaries take ~0.2 s to load and ~0.2 s to rank, a cost paid only by
 * the process that checks a password (the user service), once. `require` keeps `checkPassword` synchronous.
 */
function estimator(): ZxcvbnFactory {
  if (factory) return factory;
  const require = createRequire(import.meta.url);
  const { ZxcvbnFactory: Factory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
  const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  const en = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  const fr = require('@zxcvbn-ts/language-fr') as typeof import('@zxcvbn-ts/language-fr');
  factory = new Factory({
    dictionary: { ...common.dictionary, ...en.dictionary, ...fr.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
  });
  return factory;
}

/** What the member told us about themselves, which an attacker would try first: zxcvbn's user inputs. */
function userInputs(context: { email: string; displayName?: string }): string[] {
  const localPart = context.email.split('@')[0] ?? '';
  return [
    context.email,
    localPart,
    ...localPart.split(/[._+-]+/),
    context.displayName ?? '',
    ...(context.displayName ?? '').split(/\s+/),
  ]
    .map((input) => input.trim().toLowerCase())
    .filter((input) => input.length >= 3);
}

/** zxcvbn's estimate for a password, with the member's email and display name counted as known words. */
export function passwordStrength(password: string, context: { email: string; displayName?: string }): ZxcvbnResult {
  return estimator().check(password, userInputs(context));
}

/** NIST SP 800-63B: length bounds, no password found in breach/dictionary lists or otherwise easy to guess. */
export function checkPassword(password: string, context: { email: string; displayName?: string }): FieldError[] {
  const problems: string[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  const tooLong = Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES;
  if (tooLong) problems.push(`must be at most ${PASSWORD_MAX_BYTES} bytes`);
  if (new Set(password).size < 4) problems.push('must use at least 4 different characters');
  const lowered = password.toLowerCase();
  const localPart = context.email.split('@')[0]?.toLowerCase();
  if (localPart && localPart.length >= 4 && lowered.includes(localPart)) problems.push('must not contain your email');
  // Estimating is the costly step: only for passwords that pass the cheap rules and fit bcrypt.
  if (problems.length === 0 && !tooLong) {
    const result = passwordStrength(password, context);
    if (result.score < PASSWORD_MIN_SCORE) problems.push(guessableBecause(result));
  }
  return problems.map((message) => ({ field: 'password', message }));
}

function guessableBecause(result: ZxcvbnResult): string {
  const common = result.sequence.some(
    (match) => match.pattern === 'dictionary' && match.dictionaryName.startsWith('passwords'),
  );
  if (common) return 'is too common';
  const personal = result.sequence.some(
    (match) => match.pattern === 'dictionary' && match.dictionaryName === 'userInputs',
  );
  if (personal) return 'is too easy to guess from your name or email';
  return 'is too easy to guess';
}
