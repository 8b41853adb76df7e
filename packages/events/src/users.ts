import { Type } from 'typebox';
import { defineEvent } from './define.js';

/** Per-field visibility a member chose; consumers that show or index profiles must honour it. */
export const PrivacySchema = Type.Record(Type.String(), Type.Enum(['public', 'connections', 'private']));

const CommunityFields = {
  userId: Type.String(),
  displayName: Type.String(),
  originCountry: Type.String({ description: 'ISO-3166-1 alpha-2' }),
  residenceCountry: Type.String({ description: 'ISO-3166-1 alpha-2' }),
  residenceCity: Type.String(),
  languages: Type.Array(Type.String()),
  domains: Type.Array(Type.String()),
  arrivedAt: Type.Optional(
    Type.String({ format: 'date', description: 'arrival in the country of residence; visibility in privacy' }),
  ),
  privacy: Type.Optional(PrivacySchema),
};

export const UserRegistered = defineEvent({
  subject: 'users.user.registered',
  version: 1,
  description: 'A new account was created. Carries no contact data: consumers that need it ask the user service.',
  schema: Type.Object({ ...CommunityFields, registeredAt: Type.String({ format: 'date-time' }) }),
});

export const UserProfileUpdated = defineEvent({
  subject: 'users.profile.updated',
  version: 1,
  description: 'Profile fields changed; carries the full community view after the change and the names that changed.',
  schema: Type.Object({
    ...CommunityFields,
    bio: Type.Optional(Type.String()),
    avatarUrl: Type.Optional(Type.String()),
    changed: Type.Array(Type.String()),
    updatedAt: Type.String({ format: 'date-time' }),
  }),
});

export const UserVerified = defineEvent({
  subject: 'users.user.verified',
  version: 1,
  description: 'A member proved they own an email address or a phone number.',
  schema: Type.Object({ userId: Type.String(), channel: Type.Enum(['email', 'phone']), verifiedAt: Type.String() }),
});

export const UserDeleted = defineEvent({
  subject: 'users.user.deleted',
  version: 1,
  description: 'GDPR erasure: every service erases or anonymizes what it holds about this user.',
  schema: Type.Object({ userId: Type.String(), deletedAt: Type.String() }),
});

const FollowFields = { followerId: Type.String(), followeeId: Type.String(), at: Type.String() };

export const FollowCreated = defineEvent({
  subject: 'users.follow.created',
  version: 1,
  description: 'followerId now follows followeeId.',
  schema: Type.Object(FollowFields),
});

export const FollowDeleted = defineEvent({
  subject: 'users.follow.deleted',
  version: 1,
  description: 'followerId stopped following followeeId.',
  schema: Type.Object(FollowFields),
});

const ConnectionFields = {
  requestId: Type.String(),
  fromUserId: Type.String({ description: 'who asked' }),
  toUserId: Type.String({ description: 'who was asked' }),
  at: Type.String(),
};

export const ConnectionRequested = defineEvent({
  subject: 'users.connection.requested',
  version: 1,
  description: 'A connection request was sent.',
  schema: Type.Object(ConnectionFields),
});

export const ConnectionAccepted = defineEvent({
  subject: 'users.connection.accepted',
  version: 1,
  description: 'The two members are now connected.',
  schema: Type.Object(ConnectionFields),
});

export const ConnectionRemoved = defineEvent({
  subject: 'users.connection.removed',
  version: 1,
  description: 'A connection ended (removed by either member, or by a block).',
  schema: Type.Object({ userIds: Type.Array(Type.String(), { minItems: 2, maxItems: 2 }), at: Type.String() }),
});

const BlockFields = { blockerId: Type.String(), blockedId: Type.String(), at: Type.String() };

export const BlockCreated = defineEvent({
  subject: 'users.block.created',
  version: 1,
  description: 'blockerId blocked blockedId: no messages, no follows, hidden from each other.',
  schema: Type.Object(BlockFields),
});

export const BlockDeleted = defineEvent({
  subject: 'users.block.deleted',
  version: 1,
  description: 'The block was lifted.',
  schema: Type.Object(BlockFields),
});

const RoleFields = {
  userId: Type.String(),
  role: Type.Enum(['super', 'ambassador', 'consul']),
  country: Type.Optional(Type.String({ description: 'scope of an ambassador or consul' })),
  city: Type.Optional(Type.String({ description: 'scope of a consul' })),
  byUserId: Type.String({ description: 'who appointed or revoked' }),
  at: Type.String(),
};

export const RoleAppointed = defineEvent({
  subject: 'users.role.appointed',
  version: 1,
  description: 'A member was appointed ambassador (of a country) or consul (of a city); announced by notifications.',
  schema: Type.Object(RoleFields),
});

export const RoleRevoked = defineEvent({
  subject: 'users.role.revoked',
  version: 1,
  description: 'An appointment ended.',
  schema: Type.Object(RoleFields),
});

export const TierChanged = defineEvent({
  subject: 'users.tier.changed',
  version: 1,
  description: 'The member moved between free and premium (follows payments.subscription.*).',
  schema: Type.Object({ userId: Type.String(), tier: Type.Enum(['free', 'premium']), at: Type.String() }),
});

export const ConnectionDeclined = defineEvent({
  subject: 'users.connection.declined',
  version: 1,
  description: 'The asked member declined a connection request (notifications withdraw the pending one).',
  schema: Type.Object(ConnectionFields),
});

export const ConnectionCanceled = defineEvent({
  subject: 'users.connection.canceled',
  version: 1,
  description: 'A pending connection request was withdrawn by its sender, or dropped by a block.',
  schema: Type.Object(ConnectionFields),
});

export const UserSuspended = defineEvent({
  subject: 'users.user.suspended',
  version: 1,
  description:
    'An admin suspended a member: login and refresh are refused, and every service denies their access tokens.',
  schema: Type.Object({
    userId: Type.String(),
    reason: Type.String({ maxLength: 1000 }),
    until: Type.Optional(Type.String({ format: 'date-time', description: 'lifted automatically then' })),
    byUserId: Type.String(),
    at: Type.String(),
  }),
});

export const UserReinstated = defineEvent({
  subject: 'users.user.reinstated',
  version: 1,
  description: 'A suspension ended (an admin lifted it, or its end passed).',
  schema: Type.Object({ userId: Type.String(), byUserId: Type.String(), at: Type.String() }),
});

export const SessionStarted = defineEvent({
  subject: 'users.session.started',
  version: 1,
  description: 'A member signed in (password, OAuth or registration): a new session (refresh-token family) began.',
  schema: Type.Object({ userId: Type.String(), sessionId: Type.String(), at: Type.String({ format: 'date-time' }) }),
});

export const SessionRevoked = defineEvent({
  subject: 'users.session.revoked',
  version: 1,
  description:
    'Sessions ended before their time (logout, session deleted, password changed or reset, refresh-token reuse): ' +
    'every service refuses the access tokens of `sessionId`, or with `all` every token of the member issued up to `at`.',
  schema: Type.Object({
    userId: Type.String(),
    sessionId: Type.Optional(Type.String()),
    all: Type.Optional(Type.Boolean()),
    reason: Type.String({ maxLength: 100 }),
    at: Type.String({ format: 'date-time' }),
  }),
});
