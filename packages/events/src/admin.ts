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
