import { Type } from 'typebox';
import { defineEvent } from './define.js';

// Domain events of the content service: posts, interactions and moderation. Consumers: notifications (likes,
// comments, shares, mentions), search (post snapshots), admin (reports and the moderation queue), analytics.

const Visibility = Type.Enum(['public', 'connections', 'country', 'city']);
const TargetType = Type.Enum(['post', 'comment']);

/** What search and notifications know of a post: enough to index it and honour its visibility. */
export const PostSnapshot = Type.Object({
  postId: Type.String(),
  authorId: Type.String(),
  text: Type.String(),
  tags: Type.Array(Type.String()),
  mentions: Type.Array(Type.String(), { description: 'user ids mentioned as @usr_…' }),
  language: Type.String(),
  visibility: Visibility,
  domain: Type.Optional(Type.String()),
  originCountry: Type.Optional(Type.String({ description: "author's origin country when posting" })),
  residenceCountry: Type.Optional(Type.String()),
  residenceCity: Type.Optional(Type.String()),
  sharedPostId: Type.Optional(Type.String()),
  mediaCount: Type.Integer({ minimum: 0 }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const PostPublished = defineEvent({
  subject: 'content.post.published',
  version: 1,
  description: 'A post became visible to members (on creation, or when a moderator released a held post).',
  schema: PostSnapshot,
});

export const PostUpdated = defineEvent({
  subject: 'content.post.updated',
  version: 1,
  description: 'The author edited a visible post; carries the full snapshot after the edit and the fields changed.',
  schema: Type.Object({
    ...PostSnapshot.properties,
    changed: Type.Array(Type.String()),
    editedAt: Type.String({ format: 'date-time' }),
  }),
});

export const PostDeleted = defineEvent({
  subject: 'content.post.deleted',
  version: 1,
  description: 'A post is gone: deleted by its author, or erased with its author’s account.',
  schema: Type.Object({
    postId: Type.String(),
    authorId: Type.String(),
    reason: Type.Enum(['author', 'erasure']),
    at: Type.String({ format: 'date-time' }),
  }),
});

export const PostShared = defineEvent({
  subject: 'content.post.shared',
  version: 1,
  description: 'A member shared (or quote-shared) a post; postId is the new share post.',
  schema: Type.Object({
    postId: Type.String(),
    sharedPostId: Type.String(),
    sharedPostAuthorId: Type.String(),
    userId: Type.String(),
    quote: Type.Boolean(),
    at: Type.String({ format: 'date-time' }),
  }),
});

export const CommentCreated = defineEvent({
  subject: 'content.comment.created',
  version: 1,
  description: 'A visible comment (or reply, one level deep) was added to a post.',
  schema: Type.Object({
    commentId: Type.String(),
    postId: Type.String(),
    postAuthorId: Type.String(),
    authorId: Type.String(),
    parentId: Type.Optional(Type.String()),
    parentAuthorId: Type.Optional(Type.String()),
    text: Type.String(),
    language: Type.String(),
    mentions: Type.Array(Type.String()),
    at: Type.String({ format: 'date-time' }),
  }),
});

export const LikeCreated = defineEvent({
  subject: 'content.like.created',
  version: 1,
  description: 'A member liked a post (once: liking again changes nothing and publishes nothing).',
  schema: Type.Object({
    postId: Type.String(),
    postAuthorId: Type.String(),
    userId: Type.String(),
    at: Type.String({ format: 'date-time' }),
  }),
});

export const ReportCreated = defineEvent({
  subject: 'content.report.created',
  version: 1,
  description: 'A member reported a post or comment (one report per reporter and target).',
  schema: Type.Object({
    reportId: Type.String(),
    targetType: TargetType,
    targetId: Type.String(),
    targetAuthorId: Type.String(),
    reporterId: Type.String(),
    reason: Type.String(),
    reportCount: Type.Integer({ minimum: 1, description: 'distinct reporters since the last review' }),
    at: Type.String({ format: 'date-time' }),
  }),
});

/** Where a moderated item sits: ambassadors and consuls review within their country / city. */
const ModerationFields = {
  targetType: TargetType,
  targetId: Type.String(),
  postId: Type.String({ description: 'the post itself, or the post a comment belongs to' }),
  authorId: Type.String(),
  originCountry: Type.Optional(Type.String()),
  residenceCountry: Type.Optional(Type.String()),
  residenceCity: Type.Optional(Type.String()),
  at: Type.String({ format: 'date-time' }),
};

export const ContentHeld = defineEvent({
  subject: 'content.moderation.held',
  version: 1,
  description: 'The automated filter held clearly violating text: invisible to others until a moderator decides.',
  schema: Type.Object({
    ...ModerationFields,
    score: Type.Number(),
    labels: Type.Array(Type.String()),
    language: Type.String(),
  }),
});

export const ContentFlagged = defineEvent({
  subject: 'content.moderation.flagged',
  version: 1,
  description:
    'An item needs review: borderline text (published and flagged, source "filter"), or reports reached the ' +
    'threshold (hidden pending review, source "reports").',
  schema: Type.Object({
    ...ModerationFields,
    source: Type.Enum(['filter', 'reports']),
    hidden: Type.Boolean(),
    score: Type.Optional(Type.Number()),
    labels: Type.Optional(Type.Array(Type.String())),
    reportCount: Type.Optional(Type.Integer()),
  }),
});

const DecisionFields = {
  ...ModerationFields,
  moderatorId: Type.String(),
  reason: Type.String(),
};

export const ContentTakenDown = defineEvent({
  subject: 'content.moderation.taken_down',
  version: 1,
  description: 'A moderator took an item down: it is no longer shown to anyone but its author.',
  schema: Type.Object(DecisionFields),
});

export const ContentRestored = defineEvent({
  subject: 'content.moderation.restored',
  version: 1,
  description: 'A moderator restored (or released) an item: visible again, its report count starts over.',
  schema: Type.Object(DecisionFields),
});

export const MemberReported = defineEvent({
  subject: 'content.member.reported',
  version: 1,
  description:
    'A member reported another member (behaviour rather than one post): the admin moderation queue reviews it. ' +
    'One report per reporter and member until the case is decided.',
  schema: Type.Object({
    reportId: Type.String(),
    userId: Type.String({ description: 'the reported member' }),
    reporterId: Type.String(),
    reason: Type.String({ maxLength: 1000 }),
    at: Type.String({ format: 'date-time' }),
  }),
});
