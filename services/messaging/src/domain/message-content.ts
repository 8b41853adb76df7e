import { type FieldError, problems } from '@diaspora/service-kit';

/** The four message types of the spec. Media ride along as attachments of a text message (caption optional). */
export const MESSAGE_TYPES = ['text', 'emoji', 'location', 'contact'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface TextBody {
  text: string;
}
export interface EmojiBody {
  emoji: string;
  /** Set when the emoji is a reaction to a message of the same conversation. */
  replyTo?: string;
}
export interface LocationBody {
  lat: number;
  lon: number;
  label?: string;
}
export interface ContactBody {
  /** A platform member… */
  userId?: string;
  /** …or a vCard-like card. */
  card?: { name: string; phones?: string[]; emails?: string[] };
}
export type MessageBody = TextBody | EmojiBody | LocationBody | ContactBody;

// Control characters other than tab and newline have no business in a chat message (and break terminals, logs).
const CONTROL = /(?![\t\n])\p{Cc}/u;
// The `v` flag (RGI_Emoji: whole emoji sequences, flags and skin tones included) via the constructor: TS targets ES2023.
// biome-ignore lint/complexity/useRegexLiterals: a literal with the v flag does not compile for ES2023
const EMOJI = new RegExp('^\\p{RGI_Emoji}{1,8}$', 'v');
const USER_ID = /^usr_[0-9a-z]{26}$/;
const MESSAGE_ID = /^msg_[0-9a-z]{26}$/;
const PHONE = /^\+?[0-9 ()-]{3,32}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Code points, not UTF-16 units: an emoji counts as one character of the limit, as people count it. */
export const characterCount = (text: string) => [...text].length;

function cleanText(value: unknown, field: string, max: number, errors: FieldError[], required = true): string {
  if (typeof value !== 'string') {
    errors.push({ field, message: 'must be a string' });
    return '';
  }
  // NFC so that "é" typed two ways is stored (and compared, and counted) one way; Windows (CR LF) and old Mac (CR)
  // line breaks are the same line break as LF, stored one way too.
  const text = value.normalize('NFC').replace(/\r\n?/g, '\n');
  if (CONTROL.test(text)) errors.push({ field, message: 'must not contain control characters' });
  if (required && text.trim().length === 0) errors.push({ field, message: 'must not be empty' });
  if (characterCount(text) > max) errors.push({ field, message: `must be at most ${max} characters` });
  return text;
}

function unknownKeys(body: Record<string, unknown>, allowed: string[], prefix: string, errors: FieldError[]): void {
  for (const key of Object.keys(body))
    if (!allowed.includes(key)) errors.push({ field: `${prefix}.${key}`, message: 'is not allowed' });
}

/**
 * Checks a message body against its type and returns it normalized. Every problem is reported at once, as field
 * errors under `/body`, so that clients can show them next to the input.
 */
export function validateBody(
  type: MessageType,
  raw: unknown,
  options: { maxTextChars: number; hasAttachments: boolean },
): MessageBody {
  const errors: FieldError[] = [];
  if (!isObject(raw)) throw problems.validation([{ field: 'body', message: 'must be an object' }]);
  let body: MessageBody;
  switch (type) {
    case 'text': {
      unknownKeys(raw, ['text'], 'body', errors);
      // A photo may go without a caption; a message of nothing may not.
      const text = cleanText(raw.text ?? '', 'body.text', options.maxTextChars, errors, !options.hasAttachments);
      body = { text };
      break;
    }
    case 'emoji': {
      unknownKeys(raw, ['emoji', 'replyTo'], 'body', errors);
      const emoji = typeof raw.emoji === 'string' ? raw.emoji.normalize('NFC') : '';
      if (!EMOJI.test(emoji)) errors.push({ field: 'body.emoji', message: 'must be one to eight emoji' });
      if (raw.replyTo !== undefined && (typeof raw.replyTo !== 'string' || !MESSAGE_ID.test(raw.replyTo)))
        errors.push({ field: 'body.replyTo', message: 'must be a message id' });
      body = { emoji, ...(typeof raw.replyTo === 'string' ? { replyTo: raw.replyTo } : {}) };
      break;
    }
    case 'location': {
      unknownKeys(raw, ['lat', 'lon', 'label'], 'body', errors);
      const { lat, lon } = raw;
      if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90)
        errors.push({ field: 'body.lat', message: 'must be a latitude between -90 and 90' });
      if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180)
        errors.push({ field: 'body.lon', message: 'must be a longitude between -180 and 180' });
      const label = raw.label === undefined ? undefined : cleanText(raw.label, 'body.label', 200, errors);
      body = { lat: lat as number, lon: lon as number, ...(label !== undefined ? { label } : {}) };
      break;
    }
    case 'contact': {
      unknownKeys(raw, ['userId', 'card'], 'body', errors);
      if ((raw.userId === undefined) === (raw.card === undefined))
        errors.push({ field: 'body', message: 'must have exactly one of userId and card' });
      if (raw.userId !== undefined) {
        if (typeof raw.userId !== 'string' || !USER_ID.test(raw.userId))
          errors.push({ field: 'body.userId', message: 'must be a user id' });
        body = { userId: raw.userId as string };
        break;
      }
      body = { card: validateCard(raw.card, errors) };
      break;
    }
  }
  if (errors.length) throw problems.validation(errors, 'The message is not valid.');
  return body;
}

function validateCard(raw: unknown, errors: FieldError[]): NonNullable<ContactBody['card']> {
  if (!isObject(raw)) {
    errors.push({ field: 'body.card', message: 'must be an object' });
    return { name: '' };
  }
  unknownKeys(raw, ['name', 'phones', 'emails'], 'body.card', errors);
  const name = cleanText(raw.name, 'body.card.name', 200, errors);
  const list = (value: unknown, field: string, pattern: RegExp, what: string): string[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length > 10) {
      errors.push({ field, message: 'must be a list of at most 10 entries' });
      return undefined;
    }
    value.forEach((entry, i) => {
      if (typeof entry !== 'string' || !pattern.test(entry)) errors.push({ field: `${field}[${i}]`, message: what });
    });
    return value as string[];
  };
  const phones = list(raw.phones, 'body.card.phones', PHONE, 'must be a phone number');
  const emails = list(raw.emails, 'body.card.emails', EMAIL, 'must be an email address');
  if (!phones?.length && !emails?.length)
    errors.push({ field: 'body.card', message: 'must have at least one phone number or email address' });
  return { name, ...(phones ? { phones } : {}), ...(emails ? { emails } : {}) };
}

/** A display-ready line for notifications: at most 120 characters, never the coordinates or phone numbers. */
export function previewOf(type: MessageType, body: MessageBody, attachmentCount: number): string {
  switch (type) {
    case 'text': {
      const text = (body as TextBody).text.replace(/\s+/g, ' ').trim();
      if (!text) return attachmentCount > 1 ? `📎 ${attachmentCount} attachments` : '📎 Attachment';
      const chars = [...text];
      return chars.length > 120 ? `${chars.slice(0, 119).join('')}…` : text;
    }
    case 'emoji':
      return (body as EmojiBody).emoji;
    case 'location':
      return '📍 Location';
    case 'contact':
      return '👤 Contact';
  }
}
