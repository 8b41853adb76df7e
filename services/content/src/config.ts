import { storageConfig } from '@diaspora/service-kit/storage';
import { Type } from 'typebox';

const Score = Type.Number({ minimum: 0, maximum: 100 });

const SponsoredItem = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  body: Type.Optional(Type.String({ maxLength: 1000 })),
  url: Type.String({ pattern: '^https?://' }),
  imageUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Shown only to members of these origin or residence countries (all when absent). */
  countries: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 2 }))),
  languages: Type.Optional(Type.Array(Type.String())),
});

/** The content service's own settings, on top of the kit's base config. */
export const contentConfig = {
  /** Where posts, comments, likes and reports live: `postgres` (this service's database, JSONB) or `mongodb`. */
  CONTENT_STORE: Type.Enum(['postgres', 'mongodb'], { default: 'postgres' }),
  /** `mongodb://…/content` — required when CONTENT_STORE=mongodb (MongoDB 7, DocumentDB or FerretDB). */
  MONGO_URL: Type.Optional(Type.String({ pattern: '^mongodb(\\+srv)?://' })),
  /** The user service (names and avatars, the social graph, viewers' communities). */
  USER_GRPC_ADDR: Type.Optional(Type.String({ minLength: 3 })),
  /** Media files: STORAGE_URL, else `$DATA_DIR/content/media` (DATA_DIR is in the kit's base config). */
  ...storageConfig,
  /** Base of signed media links: an absolute URL, or a path on the public API's origin (the gateway route). */
  STORAGE_PUBLIC_URL: Type.String({ pattern: '^(https?://|/)', default: '/api/v1/content/media' }),

  POST_MAX_CHARS: Type.Integer({ default: 5000, minimum: 100, maximum: 50_000 }),
  COMMENT_MAX_CHARS: Type.Integer({ default: 2000, minimum: 100, maximum: 20_000 }),
  MEDIA_MAX_PER_POST: Type.Integer({ default: 4, minimum: 1, maximum: 20 }),
  MEDIA_MAX_BYTES: Type.Integer({ default: 10 * 1024 * 1024, minimum: 1024, maximum: 25 * 1024 * 1024 }),

  /** Fan-out-on-write: only members who read their feed within this many days keep a precomputed timeline. */
  TIMELINE_ACTIVE_DAYS: Type.Integer({ default: 14, minimum: 1, maximum: 365 }),
  /** Entries kept per timeline (Mastodon keeps 400). */
  TIMELINE_MAX_ITEMS: Type.Integer({ default: 400, minimum: 20, maximum: 5000 }),
  /**
   * Seconds author names and avatars (one batched user-service call), a reader's community and a reader's
   * connections and blocks are reused by one process before being read again.
   */
  AUTHOR_CACHE_SECONDS: Type.Integer({ default: 30, minimum: 0, maximum: 3600 }),

  /** Text scoring at least this is held for review; at least MODERATION_FLAG_SCORE is published and flagged. */
  MODERATION_HOLD_SCORE: Type.Number({ default: 1, minimum: 0.01 }),
  MODERATION_FLAG_SCORE: Type.Number({ default: 0.4, minimum: 0.01 }),
  /** Extra or overriding lexicon terms per language, e.g. `{"fr":{"abruti":0.5},"wo":{"…":1}}` (0 removes). */
  MODERATION_LEXICONS: Type.Optional(Type.Record(Type.String(), Type.Record(Type.String(), Score))),
  /** Distinct reporters that hide an item pending review. */
  REPORT_HIDE_THRESHOLD: Type.Integer({ default: 3, minimum: 1, maximum: 1000 }),

  /** Sponsored items for free-tier feeds: `{"every": 8, "items": [...]}`; premium members never see them. */
  SPONSORED_FEED: Type.Optional(
    Type.Object({
      every: Type.Integer({ minimum: 2, maximum: 100, default: 8 }),
      items: Type.Array(SponsoredItem, { maxItems: 1000 }),
    }),
  ),
};
