import { describe, expect, it } from 'vitest';
import { normalizeProfile } from '../../src/domain/user.js';

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
