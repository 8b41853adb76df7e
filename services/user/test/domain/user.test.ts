import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, normalizeProfile } from '../../src/domain/user.js';

describe('normalizeProfile', () => {
  it('collapses whitespace, canonicalizes and dedupes language tags', () => {
    const { fields, errors } = normalizeProfile({
      displayName: '  Amina   Diallo ',
      residenceCity: ' New   York ',
      languages: ['EN-us', 'en-US', 'wo'],
      bio: '   ',
    });
    expect(errors).toEqual([]);
    expect(fields).toEqual({
      displayName: 'Amina Diallo',
      residenceCity: 'New York',
      languages: ['en-US', 'wo'],
      bio: null,
    });
  });

  it('reports blank names and unknown languages by field', () => {
    const { errors } = normalizeProfile({ displayName: ' ', residenceCity: '\t', languages: ['fr', 'qqq', 'zz-ZZ'] });
    expect(errors.map((error) => error.field)).toEqual([
      'displayName',
      'residenceCity',
      'languages[1]',
      'languages[2]',
    ]);
  });
});

describe('canonicalTimeZone', () => {
  it('accepts IANA zones in any case, UTC and Etc zones; refuses offsets and unknown names', () => {
    expect(canonicalTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('africa/dakar')).toBe('Africa/Dakar');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Etc/GMT+3')).toBe('Etc/GMT+3');
    for (const name of ['+01:00', 'Mars/Olympus_Mons', '', 'Paris']) expect(canonicalTimeZone(name), name).toBeNull();
  });
});

describe('arrival date', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  it('accepts past dates and today anywhere on Earth, refuses later days and impossible dates', () => {
    expect(normalizeProfile({ arrivedAt: '2026-03-11' }, now).errors).toEqual([]);
    expect(normalizeProfile({ arrivedAt: '2001-09-30' }, now).errors).toEqual([]);
    for (const arrivedAt of ['2026-03-12', '2025-02-29', '2025-13-01', '1899-12-31']) {
      expect(
        normalizeProfile({ arrivedAt }, now).errors.map((e) => e.field),
        arrivedAt,
      ).toEqual(['arrivedAt']);
    }
  });
});
