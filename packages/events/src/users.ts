import { Type } from 'typebox';
import { defineEvent } from './define.js';

const CommunityFields = {
  userId: Type.String(),
  displayName: Type.String(),
  originCountry: Type.String({ description: 'ISO-3166-1 alpha-2' }),
  residenceCountry: Type.String({ description: 'ISO-3166-1 alpha-2' }),
  residenceCity: Type.String(),
  languages: Type.Array(Type.String()),
  domains: Type.Array(Type.String()),
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
