import type { FieldError } from '@diaspora/service-kit';

/** Passwords people reach for first; rejected outright (NIST SP 800-63B asks for a blocklist). */
const COMMON = new Set([
  'password',
  'password1',
  'password123',
  '12345678',
  '123456789',
  '1234567890',
  'qwertyuiop',
  'qwerty123',
  'azertyuiop',
  'iloveyou',
  'letmein123',
  'welcome123',
  'motdepasse',
  'passw0rd',
  'abc12345',
  '11111111',
  '00000000',
  'diaspora',
  'diaspora123',
]);

export const PASSWORD_MIN_LENGTH = 10;
/** bcrypt reads at most 72 bytes; longer passwords would be silently truncated, so they are refused. */
export const PASSWORD_MAX_BYTES = 72;

export function checkPassword(password: string, context: { email: string; displayName?: string }): FieldError[] {
  const problems: string[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES)
    problems.push(`must be at most ${PASSWORD_MAX_BYTES} bytes`);
  const lowered = password.toLowerCase();
  if (COMMON.has(lowered)) problems.push('is too common');
  if (new Set(password).size < 4) problems.push('must use at least 4 different characters');
  const localPart = context.email.split('@')[0]?.toLowerCase();
  if (localPart && localPart.length >= 4 && lowered.includes(localPart)) problems.push('must not contain your email');
  return problems.map((message) => ({ field: 'password', message }));
}
