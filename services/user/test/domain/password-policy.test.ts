import { describe, expect, it } from 'vitest';
import { checkPassword } from '../../src/domain/password-policy.js';

const check = (password: string, email = 'amina@example.com') =>
  checkPassword(password, { email }).map((e) => e.message);

describe('password policy', () => {
  it('accepts a long, varied passphrase', () => {
    expect(check('correct horse battery staple')).toEqual([]);
    expect(check('Été à Dakar 2026!')).toEqual([]);
  });

  it('counts characters, not UTF-16 units, for the minimum', () => {
    expect(check('😀😀😀😀😀😀😀😀😀')).toContain('must be at least 10 characters');
  });

  it('refuses what bcrypt would silently truncate (over 72 bytes)', () => {
    expect(check('é'.repeat(37))).toContain('must be at most 72 bytes');
    expect(check('a1b2c3d4e5'.repeat(7))).toEqual([]);
  });

  it('refuses common, repetitive and email-derived passwords', () => {
    expect(check('Password123')).toContain('is too common');
    expect(check('abababababab')).toContain('must use at least 4 different characters');
    expect(check('amina-2026-secret')).toContain('must not contain your email');
  });
});
