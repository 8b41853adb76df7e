import { Problem } from '@diaspora/service-kit';
import { describe, expect, it } from 'vitest';
import { characterCount, previewOf, validateBody } from '../../src/domain/message-content.js';

const options = { maxTextChars: 20, hasAttachments: false };

function fieldErrors(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Problem);
    return (error as Problem).errors ?? [];
  }
  throw new Error('expected a validation problem');
}

describe('text', () => {
  it('keeps Unicode and emoji, normalizes to NFC, and counts characters as people do', () => {
    const body = validateBody('text', { text: 'Cafe\u0301 👨‍👩‍👧 à Dakar' }, options);
    expect(body).toEqual({ text: 'Café 👨‍👩‍👧 à Dakar' });
    expect(characterCount('👍👍')).toBe(2);
    expect(validateBody('text', { text: '👍'.repeat(20) }, options)).toEqual({ text: '👍'.repeat(20) });
  });

  it('refuses empty, too long, control characters and unknown fields, all at once', () => {
    expect(fieldErrors(() => validateBody('text', { text: '   ' }, options))).toEqual([
      { field: 'body.text', message: 'must not be empty' },
    ]);
    const errors = fieldErrors(() => validateBody('text', { text: `${'a'.repeat(21)}\u0007`, extra: 1 }, options));
    expect(errors.map((error) => error.field).sort()).toEqual(['body.extra', 'body.text', 'body.text']);
    expect(fieldErrors(() => validateBody('text', 'hello', options))).toEqual([
      { field: 'body', message: 'must be an object' },
    ]);
  });

  it('allows an empty caption when attachments carry the message, and tabs and newlines always', () => {
    expect(validateBody('text', {}, { ...options, hasAttachments: true })).toEqual({ text: '' });
    expect(validateBody('text', { text: 'a\tb\nc' }, options)).toEqual({ text: 'a\tb\nc' });
  });
});

describe('emoji', () => {
  it('accepts whole emoji sequences (flags, skin tones, families), standalone or as a reaction', () => {
    expect(validateBody('emoji', { emoji: '🇸🇳' }, options)).toEqual({ emoji: '🇸🇳' });
    expect(validateBody('emoji', { emoji: '👍🏾❤️' }, options)).toEqual({ emoji: '👍🏾❤️' });
    const replyTo = 'msg_01jabcdefghjkmnpqrstvwxyz0';
    expect(validateBody('emoji', { emoji: '😂', replyTo }, options)).toEqual({ emoji: '😂', replyTo });
  });

  it('refuses text posing as emoji and malformed reply targets', () => {
    expect(fieldErrors(() => validateBody('emoji', { emoji: 'lol' }, options))[0]!.field).toBe('body.emoji');
    expect(fieldErrors(() => validateBody('emoji', { emoji: '1' }, options))[0]!.field).toBe('body.emoji');
    expect(fieldErrors(() => validateBody('emoji', { emoji: '😂', replyTo: 'nope' }, options))[0]!.field).toBe(
      'body.replyTo',
    );
  });
});

describe('location', () => {
  it('accepts coordinates on the globe with an optional label', () => {
    expect(
      validateBody('location', { lat: 14.6928, lon: -17.4467, label: 'Place de l’Indépendance' }, options),
    ).toEqual({
      lat: 14.6928,
      lon: -17.4467,
      label: 'Place de l’Indépendance',
    });
    expect(validateBody('location', { lat: -90, lon: 180 }, options)).toEqual({ lat: -90, lon: 180 });
  });

  it('refuses coordinates off the globe, strings, and missing values', () => {
    const errors = fieldErrors(() => validateBody('location', { lat: 91, lon: '12' }, options));
    expect(errors.map((error) => error.field)).toEqual(['body.lat', 'body.lon']);
    expect(fieldErrors(() => validateBody('location', { lat: 10 }, options))[0]!.field).toBe('body.lon');
  });
});

describe('contact', () => {
  it('shares a member or a card', () => {
    expect(validateBody('contact', { userId: 'usr_01jabcdefghjkmnpqrstvwxyz0' }, options)).toEqual({
      userId: 'usr_01jabcdefghjkmnpqrstvwxyz0',
    });
    expect(validateBody('contact', { card: { name: 'Awa', phones: ['+221 77 000 00 00'] } }, options)).toEqual({
      card: { name: 'Awa', phones: ['+221 77 000 00 00'] },
    });
  });

  it('needs exactly one of them, and a card needs a way to reach the person', () => {
    expect(fieldErrors(() => validateBody('contact', {}, options))[0]!.field).toBe('body');
    expect(
      fieldErrors(() =>
        validateBody('contact', { userId: 'usr_01jabcdefghjkmnpqrstvwxyz0', card: { name: 'x' } }, options),
      )[0]!.field,
    ).toBe('body');
    expect(fieldErrors(() => validateBody('contact', { card: { name: 'Awa' } }, options))[0]!.field).toBe('body.card');
    expect(
      fieldErrors(() => validateBody('contact', { card: { name: 'Awa', emails: ['nope'] } }, options))[0]!.field,
    ).toBe('body.card.emails[0]');
  });
});

describe('previewOf', () => {
  it('gives notification text without coordinates or numbers', () => {
    expect(previewOf('text', { text: 'hello\n  there' }, 0)).toBe('hello there');
    expect(previewOf('text', { text: 'x'.repeat(200) }, 0)).toHaveLength(120);
    expect(previewOf('text', { text: '' }, 2)).toBe('📎 2 attachments');
    expect(previewOf('location', { lat: 1, lon: 2 }, 0)).toBe('📍 Location');
    expect(previewOf('contact', { card: { name: 'A', phones: ['+1 555'] } }, 0)).toBe('👤 Contact');
    expect(previewOf('emoji', { emoji: '🎉' }, 0)).toBe('🎉');
  });
});
