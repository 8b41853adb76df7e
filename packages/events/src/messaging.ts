import { Type } from 'typebox';
import { defineEvent } from './define.js';

// Domain events of the messaging service. Chat traffic itself never goes through here (it is live fan-out over
// the realtime bus); only what other services act on.

export const MessageCreated = defineEvent({
  subject: 'messaging.message.created',
  version: 1,
  description:
    'A message was sent while some recipients had no connected device: the notification service pushes it to them. ' +
    'Recipients online at send time got it live and are not listed.',
  schema: Type.Object({
    messageId: Type.String(),
    conversationId: Type.String(),
    conversationType: Type.Enum(['direct', 'group']),
    /** The group's title, for the notification text; absent for direct conversations. */
    conversationTitle: Type.Optional(Type.String()),
    senderId: Type.String(),
    /** Members with no connected device when the message was stored, minus those who muted the conversation. */
    offlineRecipientIds: Type.Array(Type.String(), { minItems: 1 }),
    type: Type.Enum(['text', 'emoji', 'location', 'contact']),
    /** A short, display-ready preview (at most 120 characters), e.g. the start of the text or "📍 Location". */
    preview: Type.String({ maxLength: 120 }),
    createdAt: Type.String({ format: 'date-time' }),
  }),
});

export const MessageReported = defineEvent({
  subject: 'messaging.message.reported',
  version: 1,
  description:
    'A participant reported a message of a conversation; the message travels with the report for review only ' +
    '(the admin service shows it to moderators of the case and nowhere else; erasure of either member removes it).',
  schema: Type.Object({
    reportId: Type.String(),
    messageId: Type.String(),
    conversationId: Type.String(),
    senderId: Type.String(),
    reporterId: Type.String(),
    reason: Type.String({ maxLength: 1000 }),
    message: Type.Object({
      type: Type.Enum(['text', 'emoji', 'location', 'contact']),
      body: Type.String(),
      createdAt: Type.String({ format: 'date-time' }),
    }),
    at: Type.String({ format: 'date-time' }),
  }),
});
