import { canonicalLanguageTag, problems } from '@diaspora/service-kit';
import { detect } from 'tinyld';

export const MAX_TAGS = 10;
const MAX_LINKS = 10;
const MAX_MENTIONS = 20;

const HASHTAG = /(^|[^\p{L}\p{N}_&#])#(\p{L}[\p{L}\p{N}_]{0,49})/gu;
const MENTION = /(^|[^\p{L}\p{N}_])@(usr_[0-9a-z]{26})\b/gu;
const LINK = /\bhttps?:\/\/[^\s<>"']{1,2000}/giu;
/** Control characters other than tab and newlines have no place in member text. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}

export interface ParsedText {
  text: string;
  hashtags: string[];
  mentions: string[];
  links: string[];
}

/** A tag as stored: lowercase, no leading '#'. */
export function normalizeTag(tag: string): string {
  return tag.replace(/^#/, '').normalize('NFC').toLocaleLowerCase('en');
}

/** Trims, checks length and characters, and extracts #hashtags, @usr_… mentions and links. */
export function parseText(raw: string, options: { field: string; maxChars: number; allowEmpty?: boolean }): ParsedText {
  const text = raw.normalize('NFC').trim();
  if (!text && !options.allowEmpty)
    throw problems.validation([{ field: options.field, message: 'must not be empty' }], 'The text is empty.');
  if ([...text].length > options.maxChars)
    throw problems.validation(
      [{ field: options.field, message: `must be at most ${options.maxChars} characters` }],
      'The text is too long.',
    );
  if (hasControlCharacters(text))
    throw problems.validation([{ field: options.field, message: 'must not contain control characters' }]);
  const unique = (values: string[]) => [...new Set(values)];
  const hashtags = unique([...text.matchAll(HASHTAG)].map((match) => normalizeTag(match[2]!))).slice(0, MAX_TAGS);
  const mentions = unique([...text.matchAll(MENTION)].map((match) => match[2]!)).slice(0, MAX_MENTIONS);
  const links = unique([...text.matchAll(LINK)].map((match) => match[0].replace(/[.,;:!?)\]]+$/, ''))).slice(
    0,
    MAX_LINKS,
  );
  return { text, hashtags, mentions, links };
}

/** Explicit tags and the text's hashtags, deduplicated, explicit ones first. */
export function mergeTags(explicit: string[] | undefined, hashtags: string[]): string[] {
  const tags = [...new Set([...(explicit ?? []).map(normalizeTag), ...hashtags])];
  if (tags.length > MAX_TAGS)
    throw problems.validation([{ field: 'tags', message: `at most ${MAX_TAGS} tags (hashtags included)` }]);
  return tags;
}

/** The language given (canonical BCP-47), else the one detected, else `und` (undetermined). */
export function resolveLanguage(given: string | undefined, text: string, field = 'language'): string {
  if (given !== undefined) {
    const canonical = canonicalLanguageTag(given);
    if (!canonical) throw problems.validation([{ field, message: 'must be a known BCP-47 language tag' }]);
    return canonical;
  }
  const detected = text.length >= 3 ? detect(text) : '';
  return detected ? (canonicalLanguageTag(detected) ?? 'und') : 'und';
}
