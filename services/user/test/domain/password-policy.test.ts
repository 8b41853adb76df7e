import { describe, expect, it } from 'vitest';
import { checkPassword, PASSWORD_MIN_SCORE, passwordStrength } from '../../src/domain/password-policy.js';

const check = (password: string, email = 'amina@example.com', displayName?: string) =>
  checkPassword(password, { email, ...(displayName ? { displayName } : {}) }).map((e) => e.message);

describe('password policy', () => {
  it('accepts a long, varied passphrase', () => {
    expect(check('correct horse battery staple')).toEqual([]);
    expect(check('Été à Dakar 2026!')).toEqual([]);
    expect(check('tortue violette escalade 42')).toEqual([]);
    expect(check('x9$Lq!2vB@7mZ#4kP&8w')).toEqual([]);
  });

  it('accepts the passphrases the README, the tests and the bench use', () => {
    for (const password of [
      'a long passphrase here',
      'a long admin passphrase',
      'a brand new passphrase',
      'another long passphrase',
      'yet another passphrase',
      'not the password at all',
    ]) {
      expect(check(password, 'founder@diaspora.test'), password).toEqual([]);
    }
  });

  it('counts characters, not UTF-16 units, for the minimum', () => {
    expect(check('😀😀😀😀😀😀😀😀😀')).toContain('must be at least 10 characters');
  });

  it('refuses what bcrypt would silently truncate (over 72 bytes)', () => {
    expect(check('é'.repeat(37))).toContain('must be at most 72 bytes');
    const seventyTwo = 'quiet river, amber lantern, north wind; violet moth & 7 copper keys!!!!!';
    expect(Buffer.byteLength(seventyTwo)).toBe(72);
    expect(check(seventyTwo)).toEqual([]);
    expect(check(`${seventyTwo}x`)).toEqual(['must be at most 72 bytes']);
  });

  it('refuses common and dictionary passwords, with years and l33t variants', () => {
    expect(check('Password123')).toContain('is too common');
    expect(check('password1234')).toContain('is too common');
    expect(check('iloveyou2024')).toContain('is too common');
    expect(check('P@ssw0rd2024')).toContain('is too common');
    expect(check('motdepasse2024')).toHaveLength(1);
    expect(check('qwertyuiop123')).toHaveLength(1);
  });

  it('refuses repetitive and email-derived passwords', () => {
    expect(check('abababababab')).toContain('must use at least 4 different characters');
    expect(check('amina-2026-secret')).toContain('must not contain your email');
  });

  it("counts the member's email name and display name as words an attacker tries first", () => {
    const passphrase = 'ndiaye-dakar-2026';
    const stranger = passwordStrength(passphrase, { email: 'amina@example.com' });
    const owner = passwordStrength(passphrase, { email: 'ndiaye@example.com' });
    expect(owner.guessesLog10).toBeLessThan(stranger.guessesLog10);
    expect(
      owner.sequence.some((match) => match.pattern === 'dictionary' && match.dictionaryName === 'userInputs'),
    ).toBe(true);
    expect(check('aminatou1987!', 'a.diallo@example.com', 'Aminatou Diallo')).toEqual([
      'is too easy to guess from your name or email',
    ]);
    expect(check('aminatou1987!', 'a.diallo@example.com', 'Fatou Diallo')).toEqual([]);
    expect(PASSWORD_MIN_SCORE).toBe(3);
  });
});
