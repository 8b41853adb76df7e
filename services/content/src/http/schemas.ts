import {
  CountryCodeSchema,
  DomainSchema,
  IsoDateTimeSchema,
  LanguageTagSchema,
  PageQuerySchema,
} from '@diaspora/service-kit';
import { Type } from 'typebox';
import { MODERATION_STATES, VISIBILITIES } from '../domain/model.js';

const Visibility = Type.Enum([...VISIBILITIES]);
const Tag = Type.String({ minLength: 1, maxLength: 50, pattern: '^#?[\\p{L}\\p{N}_-]+$' });
const City = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });
const Location = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);
export const PostIdParam = Type.Object({ postId: Type.String({ pattern: '^pst_[0-9a-z]{26}$' }) });
export const CommentIdParam = Type.Object({ commentId: Type.String({ pattern: '^cmt_[0-9a-z]{26}$' }) });

/**
 * The text-carrying request bodies, with the lengths the service is configured to take (POST_MAX_CHARS for posts
 * and shares, COMMENT_MAX_CHARS for comments), so the OpenAPI document promises what the domain enforces. The domain
 * still counts after trimming and NFC normalization and gives the clearer messages.
 */
export function textBodies(limits: { postMaxChars: number; commentMaxChars: number }) {
  const postText = Type.String({ maxLength: limits.postMaxChars });
  const commentText = Type.String({ maxLength: limits.commentMaxChars });
  const NewPostBody = Type.Object(
    {
      text: postText,
      media: Type.Optional(Type.Array(Type.String({ pattern: '^med_[0-9a-z]{26}$' }), { maxItems: 50 })),
      tags: Type.Optional(Type.Array(Tag, { maxItems: 50 })),
      language: Type.Optional(LanguageTagSchema),
      visibility: Visibility,
      domain: Type.Optional(DomainSchema),
      location: Type.Optional(Location),
    },
    { additionalProperties: false },
  );

  const PostPatchBody = Type.Object(
    {
      text: Type.Optional(postText),
      tags: Type.Optional(Type.Array(Tag, { maxItems: 50 })),
      language: Type.Optional(LanguageTagSchema),
      visibility: Type.Optional(Visibility),
      domain: Type.Optional(Type.Union([DomainSchema, Type.Null()])),
    },
    { additionalProperties: false, minProperties: 1 },
  );

  const ShareBody = Type.Object(
    { text: Type.Optional(postText), visibility: Type.Optional(Visibility) },
    { additionalProperties: false },
  );

  const CommentBody = Type.Object(
    {
      text: commentText,
      parentId: Type.Optional(Type.String({ pattern: '^cmt_[0-9a-z]{26}$' })),
      language: Type.Optional(LanguageTagSchema),
    },
    { additionalProperties: false },
  );

  return { NewPostBody, PostPatchBody, ShareBody, CommentBody };
}

export const ReportBody = Type.Object(
  {
    targetType: Type.Enum(['post', 'comment', 'user']),
    targetId: Type.String({ pattern: '^(pst|cmt|usr)_[0-9a-z]{26}$' }),
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);

export const ModerationActionBody = Type.Object(
  {
    action: Type.Enum(['takedown', 'restore']),
    targetType: Type.Enum(['post', 'comment']),
    targetId: Type.String({ pattern: '^(pst|cmt)_[0-9a-z]{26}$' }),
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);

export const QueueQuery = Type.Object({
  state: Type.Optional(Type.Enum(['held', 'flagged', 'hidden', 'removed'])),
  targetType: Type.Optional(Type.Enum(['post', 'comment'])),
  ...PageQuerySchema.properties,
});

export const FeedQuery = Type.Object({
  section: Type.Enum(['posts', 'events'], { default: 'posts' }),
  country: Type.Optional(CountryCodeSchema),
  city: Type.Optional(City),
  near: Type.Optional(Type.String({ pattern: '^-?\\d{1,2}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?$', description: 'lat,lon' })),
  radiusKm: Type.Optional(Type.Number({ minimum: 0.1, maximum: 500, default: 25 })),
  language: Type.Optional(LanguageTagSchema),
  domain: Type.Optional(DomainSchema),
  ...PageQuerySchema.properties,
});

const Author = Type.Object({ id: Type.String(), displayName: Type.String(), avatarUrl: Type.Optional(Type.String()) });
const Media = Type.Object({ id: Type.String(), url: Type.String(), contentType: Type.String(), size: Type.Integer() });

const PostFields = {
  id: Type.String(),
  authorId: Type.String(),
  author: Author,
  text: Type.String(),
  tags: Type.Array(Type.String()),
  mentions: Type.Array(Type.String()),
  links: Type.Array(Type.String()),
  language: Type.String(),
  visibility: Visibility,
  domain: Type.Optional(Type.String()),
  location: Type.Optional(Location),
  media: Type.Array(Media),
  likeCount: Type.Integer(),
  commentCount: Type.Integer(),
  shareCount: Type.Integer(),
  likedByMe: Type.Boolean(),
  sharedPostId: Type.Optional(Type.String()),
  moderationState: Type.Optional(Type.Enum([...MODERATION_STATES])),
  createdAt: IsoDateTimeSchema,
  editedAt: Type.Optional(IsoDateTimeSchema),
};

export const PostView = Type.Object({
  ...PostFields,
  sharedPost: Type.Optional(Type.Object(PostFields)),
});

export const CommentView = Type.Object({
  id: Type.String(),
  postId: Type.String(),
  authorId: Type.String(),
  author: Author,
  parentId: Type.Optional(Type.String()),
  text: Type.String(),
  mentions: Type.Array(Type.String()),
  language: Type.String(),
  moderationState: Type.Optional(Type.Enum([...MODERATION_STATES])),
  createdAt: IsoDateTimeSchema,
});

export const CommentPage = Type.Object({
  items: Type.Array(CommentView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const LikeState = Type.Object({ liked: Type.Boolean(), likeCount: Type.Integer() });

const Sponsored = Type.Object({
  id: Type.String(),
  title: Type.String(),
  body: Type.Optional(Type.String()),
  url: Type.String(),
  imageUrl: Type.Optional(Type.String()),
});

/** One item of either section; `type` says which of the other fields is there (a flat shape serializes fast). */
const FeedItem = Type.Object({
  type: Type.Enum(['post', 'sponsored', 'event']),
  post: Type.Optional(PostView),
  sponsored: Type.Optional(Sponsored),
  relevance: Type.Optional(Type.Enum(['your_city', 'origin_country', 'online', 'elsewhere'])),
  popular: Type.Optional(Type.Boolean()),
  event: Type.Optional(Type.Object({}, { additionalProperties: true })),
});

export const FeedPage = Type.Object({
  section: Type.Enum(['posts', 'events']),
  items: Type.Array(FeedItem),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const ReportView = Type.Object({
  id: Type.String(),
  targetType: Type.Enum(['post', 'comment', 'user']),
  targetId: Type.String(),
  reason: Type.String(),
  createdAt: IsoDateTimeSchema,
  duplicate: Type.Boolean({ description: 'You had already reported this; nothing changed.' }),
});

export const ModerationItemView = Type.Object({
  targetType: Type.Enum(['post', 'comment']),
  targetId: Type.String(),
  postId: Type.String(),
  authorId: Type.String(),
  text: Type.String(),
  language: Type.String(),
  state: Type.Enum([...MODERATION_STATES]),
  score: Type.Number(),
  labels: Type.Array(Type.String()),
  reportCount: Type.Integer(),
  originCountry: Type.Optional(Type.String()),
  residenceCountry: Type.Optional(Type.String()),
  residenceCity: Type.Optional(Type.String()),
  createdAt: IsoDateTimeSchema,
  moderatedBy: Type.Optional(Type.String()),
  moderatedAt: Type.Optional(IsoDateTimeSchema),
});

export const QueuePage = Type.Object({
  items: Type.Array(ModerationItemView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const UploadView = Type.Object({
  id: Type.String(),
  url: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
});
