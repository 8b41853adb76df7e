import { Type } from 'typebox';
import { defineEvent } from './define.js';

// Domain events of the admin service: subjects admin.<entity>.<verb>. The admin service (not written yet) publishes
// these when a moderator decides in its dashboard; the content service applies them (and exposes the same actions
// synchronously over gRPC `diaspora.content.v1.ContentModeration`).

const ModerationDecision = {
  targetType: Type.Enum(['post', 'comment']),
  targetId: Type.String(),
  moderatorId: Type.String(),
  reason: Type.String({ maxLength: 1000 }),
  /** The report being resolved, when the decision came from the report queue. */
  reportId: Type.Optional(Type.String()),
  at: Type.String({ format: 'date-time' }),
};

export const AdminContentTakenDown = defineEvent({
  subject: 'admin.content.taken_down',
  version: 1,
  description: 'A moderator took a post or comment down from the admin dashboard (the owning service applies it).',
  schema: Type.Object(ModerationDecision),
});

export const AdminContentRestored = defineEvent({
  subject: 'admin.content.restored',
  version: 1,
  description: 'A moderator restored a post or comment (or dismissed its reports) from the admin dashboard.',
  schema: Type.Object(ModerationDecision),
});

/** The outcome of a report case in the admin moderation queue (any target: post, comment, message, member). */
export const AdminReportResolved = defineEvent({
  subject: 'admin.report.resolved',
  version: 1,
  description:
    'A moderator decided a case of the admin queue (dismiss, takedown, restore, warn, suspend); the author may ' +
    'appeal once, which puts the case back in the queue.',
  schema: Type.Object({
    caseId: Type.String(),
    targetType: Type.Enum(['post', 'comment', 'message', 'user']),
    targetId: Type.String(),
    authorId: Type.Optional(Type.String({ description: 'whom the decision concerns' })),
    action: Type.Enum(['dismiss', 'takedown', 'restore', 'warn', 'suspend']),
    moderatorId: Type.String(),
    reason: Type.String({ maxLength: 1000 }),
    appeal: Type.Boolean({ description: 'the decision answers an appeal (final)' }),
    at: Type.String({ format: 'date-time' }),
  }),
});

export const AdminMemberWarned = defineEvent({
  subject: 'admin.member.warned',
  version: 1,
  description: 'A moderator warned a member about reported behaviour (notifications tell the member).',
  schema: Type.Object({
    userId: Type.String(),
    caseId: Type.String(),
    moderatorId: Type.String(),
    reason: Type.String({ maxLength: 1000 }),
    at: Type.String({ format: 'date-time' }),
  }),
});

export const AdminMessageTakenDown = defineEvent({
  subject: 'admin.message.taken_down',
  version: 1,
  description: 'A moderator took a reported chat message down (the messaging service hides it from the conversation).',
  schema: Type.Object({
    messageId: Type.String(),
    conversationId: Type.String(),
    senderId: Type.String(),
    caseId: Type.String(),
    moderatorId: Type.String(),
    reason: Type.String({ maxLength: 1000 }),
    at: Type.String({ format: 'date-time' }),
  }),
});

const SponsoredFeedItem = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  body: Type.Optional(Type.String({ maxLength: 1000 })),
  url: Type.String({ pattern: '^https?://' }),
  imageUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
  countries: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 2 }))),
  languages: Type.Optional(Type.Array(Type.String())),
});

/** The platform settings an admin edits; each owning service applies its part (see `AdminSettingsUpdated`). */
export const PlatformSettingsSchema = Type.Object({
  /** Messages a free-tier member may send per day (messaging). */
  freeMessagingDailyQuota: Type.Integer({ minimum: 0, maximum: 100_000 }),
  /** Local events a consul must hold per calendar year (event scorecards). */
  consulYearlyQuota: Type.Integer({ minimum: 1, maximum: 52 }),
  /** Distinct reports that hide a post or comment pending review (content). */
  reportThreshold: Type.Integer({ minimum: 1, maximum: 1000 }),
  /** Extra words the moderation filter holds, per BCP-47 primary language (content). */
  wordLists: Type.Record(
    Type.String({ pattern: '^[a-z]{2,3}$' }),
    Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 2000 }),
  ),
  /** Sponsored items of free-tier feeds, one every `every` posts (content). */
  sponsoredFeed: Type.Object({
    every: Type.Integer({ minimum: 2, maximum: 100 }),
    items: Type.Array(SponsoredFeedItem, { maxItems: 1000 }),
  }),
});

export const AdminSettingsUpdated = defineEvent({
  subject: 'admin.settings.updated',
  version: 1,
  description:
    'Platform settings changed in the admin dashboard; carries all of them after the change and the names that ' +
    'changed, so a consumer applies its part without asking back.',
  schema: Type.Object({
    settings: PlatformSettingsSchema,
    changed: Type.Array(Type.String()),
    byUserId: Type.String(),
    at: Type.String({ format: 'date-time' }),
  }),
});
