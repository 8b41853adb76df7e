import { IsoDateTimeSchema, PageQuerySchema } from '@diaspora/service-kit';
import { Type } from 'typebox';
import { MESSAGE_TYPES } from '../domain/message-content.js';

export const UserId = Type.String({ pattern: '^usr_[0-9a-z]{26}$' });
export const ConversationId = Type.String({ pattern: '^cnv_[0-9a-z]{26}$' });
export const MessageId = Type.String({ pattern: '^msg_[0-9a-z]{26}$' });
export const MediaId = Type.String({ pattern: '^med_[0-9a-z]{26}$' });

export const ConversationParams = Type.Object({ conversationId: ConversationId });
export const MessageParams = Type.Object({ conversationId: ConversationId, messageId: MessageId });
export const MemberParams = Type.Object({ conversationId: ConversationId, userId: UserId });
export const PageQuery = PageQuerySchema;

const BodyDescription =
  'By type — text: {text} (Unicode, emoji welcome; may be empty when attachments are given); ' +
  'emoji: {emoji, replyTo?: messageId} (a reaction when replyTo is set); location: {lat, lon, label?}; ' +
  'contact: {userId} (a member) or {card: {name, phones?[], emails?[]}}.';

const AnyObject = (description: string) => Type.Object({}, { additionalProperties: true, description });

export const Attachment = Type.Object({
  id: MediaId,
  contentType: Type.String(),
  size: Type.Integer(),
  url: Type.String({ description: 'Signed link, valid for an hour' }),
});

export const MessageView = Type.Object({
  id: MessageId,
  conversationId: ConversationId,
  seq: Type.Integer({ description: 'Position in the conversation: 1, 2, 3… in send order' }),
  senderId: Type.String(),
  type: Type.Enum([...MESSAGE_TYPES]),
  body: AnyObject(`${BodyDescription} Empty once deleted.`),
  attachments: Type.Array(Attachment),
  clientMessageId: Type.Optional(Type.String()),
  createdAt: IsoDateTimeSchema,
  editedAt: Type.Optional(IsoDateTimeSchema),
  deletedAt: Type.Optional(IsoDateTimeSchema),
  status: Type.Enum(['sent', 'delivered', 'read'], {
    description: 'For your own messages: how far the slowest other member got; for the others: delivered or read',
  }),
});

export const ConversationView = Type.Object({
  id: ConversationId,
  type: Type.Enum(['direct', 'group']),
  participantIds: Type.Array(Type.String()),
  title: Type.Optional(Type.String()),
  lastMessage: Type.Optional(MessageView),
  unreadCount: Type.Integer({ description: "Others' messages after your read watermark (counted up to 1000)" }),
  role: Type.Enum(['admin', 'member']),
  muted: Type.Boolean(),
  mutedUntil: Type.Optional(IsoDateTimeSchema),
  createdAt: IsoDateTimeSchema,
  activityAt: IsoDateTimeSchema,
});

export const ConversationDetailView = Type.Object({
  ...ConversationView.properties,
  members: Type.Array(
    Type.Object({
      userId: Type.String(),
      role: Type.Enum(['admin', 'member']),
      joinedAt: IsoDateTimeSchema,
      lastDeliveredSeq: Type.Integer({ description: 'Every message up to this seq reached one of their devices' }),
      lastReadSeq: Type.Integer({ description: 'They read every message up to this seq' }),
    }),
  ),
});

export const OpenConversationBody = Type.Object(
  {
    participantIds: Type.Array(UserId, { minItems: 1, maxItems: 5000 }),
    title: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const RenameBody = Type.Object({ title: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
export const AddMembersBody = Type.Object(
  { userIds: Type.Array(UserId, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
export const MuteBody = Type.Object(
  { until: Type.Optional(IsoDateTimeSchema) },
  { additionalProperties: false, description: 'Without `until`, muted until unmuted' },
);

export const SendBody = Type.Object(
  {
    type: Type.Enum([...MESSAGE_TYPES]),
    body: AnyObject(BodyDescription),
    clientMessageId: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Chosen by the client, unique per sender: a retried send with the same id returns the same message',
    }),
    attachments: Type.Optional(Type.Array(MediaId, { maxItems: 10, description: 'Ids of your uploads (text only)' })),
  },
  { additionalProperties: false },
);

export const EditBody = Type.Object({ body: AnyObject('{text}') }, { additionalProperties: false });
export const ReadBody = Type.Object({ upTo: MessageId }, { additionalProperties: false });

export const Page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const ReadState = Type.Object({
  conversationId: ConversationId,
  lastReadSeq: Type.Integer(),
  moved: Type.Boolean({ description: 'false when the watermark was already there or further' }),
});

export const Receipts = Type.Object({
  messageId: MessageId,
  readBy: Type.Array(Type.String()),
  deliveredTo: Type.Array(Type.String({ description: 'delivered, not yet read' })),
  pending: Type.Array(Type.String({ description: 'not yet on any of their devices' })),
});

export const MediaView = Type.Object({
  id: MediaId,
  contentType: Type.String(),
  size: Type.Integer(),
  url: Type.String({ description: 'Signed link, valid for an hour' }),
});
