import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import { BUILTIN_LEXICONS, type Lexicon, OBSCENITY_DEFAULT_SCORE, OBSCENITY_SCORES } from './lexicons.js';

export type FilterAction = 'publish' | 'flag' | 'hold';

export interface Verdict {
  action: FilterAction;
  /** Sum of the scores of the distinct terms found. */
  score: number;
  /** What matched: `obscenity:<word>` or `lexicon:<language>:<term>`. */
  labels: string[];
}

export interface TextFilterOptions {
  holdScore: number;
  flagScore: number;
  /** Per-language additions or overrides of the built-in lexicons (score 0 removes a term). */
  lexicons?: Record<string, Lexicon>;
}

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/**
 * Lowercase, accents stripped, leetspeak undone, every run of other characters one space, repeated letters
 * collapsed ("connnnard" → "conard"): what lexicon terms are compared on, both sides normalized alike.
 */
export function normalizeForMatching(text: string): string {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLocaleLowerCase('en')
    .replace(/[0134570@$]/g, (char, offset: number, whole: string) => {
      // Only inside words: "l33t" → "leet", but "2024" or "5 km" stay numbers.
      const before = whole[offset - 1] ?? ' ';
      const after = whole[offset + 1] ?? ' ';
      return /\p{L}/u.test(before) || /\p{L}/u.test(after) ? (LEET[char] ?? char) : char;
    });
  return ` ${folded
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/(\p{L})\1+/gu, '$1')
    .trim()} `;
}

interface CompiledTerm {
  term: string;
  needle: string;
  score: number;
}

/**
 * Automated text moderation: obscenity's English dataset (robust to obfuscation) scored per word, plus the
 * lexicon of the text's language. Clearly violating text is held, borderline text published and flagged.
 */
export class TextFilter {
  private readonly matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  private readonly lexicons = new Map<string, CompiledTerm[]>();

  constructor(private readonly options: TextFilterOptions) {
    if (options.flagScore > options.holdScore)
      throw new Error('MODERATION_FLAG_SCORE must not exceed MODERATION_HOLD_SCORE');
    const languages = new Set([...Object.keys(BUILTIN_LEXICONS), ...Object.keys(options.lexicons ?? {})]);
    for (const language of languages) {
      const merged: Lexicon = { ...BUILTIN_LEXICONS[language], ...options.lexicons?.[language] };
      const terms = Object.entries(merged)
        .filter(([, score]) => score > 0)
        .map(([term, score]) => ({ term, needle: normalizeForMatching(term), score }))
        .filter((compiled) => compiled.needle.trim().length > 0);
      this.lexicons.set(language.toLowerCase(), terms);
    }
  }

  evaluate(text: string, language: string): Verdict {
    const found = new Map<string, number>();
    for (const match of this.matcher.getAllMatches(text)) {
      const word = englishDataset.getPayloadWithPhraseMetadata(match).phraseMetadata?.originalWord;
      if (word) found.set(`obscenity:${word}`, OBSCENITY_SCORES[word] ?? OBSCENITY_DEFAULT_SCORE);
    }
    const primary = language.toLowerCase().split('-')[0] ?? '';
    const terms = this.lexicons.get(primary);
    if (terms) {
      const normalized = normalizeForMatching(text);
      for (const { term, needle, score } of terms) {
        if (normalized.includes(needle)) found.set(`lexicon:${primary}:${term}`, score);
      }
    }
    const score = Math.round([...found.values()].reduce((sum, value) => sum + value, 0) * 100) / 100;
    const action: FilterAction =
      score >= this.options.holdScore ? 'hold' : score >= this.options.flagScore ? 'flag' : 'publish';
    return { action, score, labels: [...found.keys()].sort() };
  }
}
