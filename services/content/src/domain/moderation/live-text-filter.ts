import type { Lexicon } from './lexicons.js';
import { TextFilter, type TextFilterOptions, type Verdict } from './text-filter.js';

/**
 * The text filter with the admin dashboard's word lists on top of the configured lexicons: each listed word of a
 * language holds text containing it (scored at the hold score). `apply` rebuilds the filter only when the lists
 * changed; evaluations in flight keep the filter they started with.
 */
export class LiveTextFilter extends TextFilter {
  private current: TextFilter | undefined;
  private applied = '{}';

  constructor(private readonly base: TextFilterOptions) {
    super(base);
  }

  apply(wordLists: Record<string, string[]>): void {
    const key = JSON.stringify(wordLists);
    if (key === this.applied) return;
    const lexicons: Record<string, Lexicon> = { ...this.base.lexicons };
    for (const [language, words] of Object.entries(wordLists))
      lexicons[language] = {
        ...lexicons[language],
        ...Object.fromEntries(words.map((word) => [word, this.base.holdScore])),
      };
    this.current = new TextFilter({ ...this.base, lexicons });
    this.applied = key;
  }

  override evaluate(text: string, language: string): Verdict {
    return this.current ? this.current.evaluate(text, language) : super.evaluate(text, language);
  }
}
