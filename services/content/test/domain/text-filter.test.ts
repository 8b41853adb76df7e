import { describe, expect, it } from 'vitest';
import { normalizeForMatching, TextFilter } from '../../src/domain/moderation/text-filter.js';
import { parseText, resolveLanguage } from '../../src/domain/text.js';

const filter = new TextFilter({ holdScore: 1, flagScore: 0.4 });

describe('automated text moderation', () => {
  it.each([
    ['en', 'Welcome to the Lagos tech meetup, see you Saturday!'],
    ['fr', 'Bienvenue à la réunion des Camerounais de Lyon, à samedi !'],
    ['en', 'The Scunthorpe assessment of classic bass is done'],
    ['fr', 'Je vous conseille ce restaurant sénégalais à Paris.'],
  ])('publishes clean %s text', (language, text) => {
    expect(filter.evaluate(text, language)).toEqual({ action: 'publish', score: 0, labels: [] });
  });

  it('flags borderline English (one insult, profanity) and holds clear violations', () => {
    expect(filter.evaluate('you are an idiot', 'en')).toMatchObject({ action: 'flag', labels: ['lexicon:en:idiot'] });
    expect(filter.evaluate('this is shit', 'en')).toMatchObject({ action: 'flag', labels: ['obscenity:shit'] });
    expect(filter.evaluate('go back to your country', 'en')).toMatchObject({ action: 'hold', score: 1 });
    expect(filter.evaluate('k1ll yourself', 'en').action).toBe('hold');
    // obscenity sees through leetspeak; several insults add up to a hold
    expect(filter.evaluate('sh1t', 'en')).toMatchObject({ action: 'flag', labels: ['obscenity:shit'] });
    expect(filter.evaluate('you fucking moron, you bitch', 'en')).toMatchObject({ action: 'hold', score: 1.3 });
  });

  it('flags borderline French and holds violating French, accents and obfuscation included', () => {
    expect(filter.evaluate('Quel abruti ce mec', 'fr')).toMatchObject({
      action: 'flag',
      labels: ['lexicon:fr:abruti'],
    });
    expect(filter.evaluate('Espèce de CONNNARD', 'fr')).toMatchObject({ action: 'flag', score: 0.5 });
    expect(filter.evaluate('Retourne dans ton pays !', 'fr')).toMatchObject({ action: 'hold' });
    expect(filter.evaluate('sale nègre', 'fr')).toMatchObject({ action: 'hold' });
    expect(filter.evaluate('n1que ta mère', 'fr').action).toBe('hold');
    expect(filter.evaluate('connard et salope', 'fr')).toMatchObject({ action: 'hold', score: 1.1 });
    // French terms only count in French text: "con" is an ordinary word elsewhere
    expect(filter.evaluate('con', 'es').action).toBe('publish');
    expect(filter.evaluate('con', 'fr-CA').action).toBe('flag');
  });

  it('takes configured lexicons: new languages, overrides, removals', () => {
    const custom = new TextFilter({
      holdScore: 1,
      flagScore: 0.4,
      lexicons: { wo: { doxandeem: 1 }, fr: { abruti: 0, merde: 1 } },
    });
    expect(custom.evaluate('Doxandeem!', 'wo').action).toBe('hold');
    expect(custom.evaluate('abruti', 'fr').action).toBe('publish');
    expect(custom.evaluate('merde', 'fr').action).toBe('hold');
    expect(() => new TextFilter({ holdScore: 0.3, flagScore: 0.5 })).toThrow(/FLAG/);
  });

  it('normalizes for matching without touching numbers', () => {
    expect(normalizeForMatching('Çà  VA l33t 2024!!')).toBe(' ca va let 2024 ');
  });
});

describe('text parsing', () => {
  it('extracts hashtags, mentions and links, and detects the language', () => {
    const parsed = parseText('  Hello #Dakar #dakar @usr_01hzzzzzzzzzzzzzzzzzzzzzzz see https://x.org/a, c#sharp  ', {
      field: 'text',
      maxChars: 100,
    });
    expect(parsed).toEqual({
      text: 'Hello #Dakar #dakar @usr_01hzzzzzzzzzzzzzzzzzzzzzzz see https://x.org/a, c#sharp',
      hashtags: ['dakar'],
      mentions: ['usr_01hzzzzzzzzzzzzzzzzzzzzzzz'],
      links: ['https://x.org/a'],
    });
    expect(resolveLanguage(undefined, 'Nous organisons une grande fête de quartier samedi prochain')).toBe('fr');
    expect(resolveLanguage('EN-gb', 'whatever')).toBe('en-GB');
    expect(() => parseText('a\u0007b', { field: 'text', maxChars: 10 })).toThrow();
  });
});
