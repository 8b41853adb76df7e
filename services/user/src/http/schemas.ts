import { CountryCodeSchema, DomainSchema, IsoDateTimeSchema, LanguageTagSchema, ROLES } from '@diaspora/service-kit';
import { type TSchema, Type } from 'typebox';

export const DisplayName = Type.String({ minLength: 1, maxLength: 80, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });
export const City = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });
export const Languages = Type.Array(LanguageTagSchema, { minItems: 1, maxItems: 10, uniqueItems: true });
export const Domains = Type.Array(DomainSchema, { maxItems: 16, uniqueItems: true });
const Bio = Type.String({ maxLength: 1000 });
const AvatarUrl = Type.String({ format: 'uri', pattern: '^https://', maxLength: 2048 });
const Visibility = Type.Enum(['public', 'connections', 'private']);
const Coordinates = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false, description: 'Residence coordinates (WGS 84)' },
);
const PrivacyFields = {
  avatarUrl: Visibility,
  bio: Visibility,
  originCountry: Visibility,
  residenceCountry: Visibility,
  residenceCity: Visibility,
  coordinates: Visibility,
  languages: Visibility,
  domains: Visibility,
  arrivedAt: Visibility,
};
const DiscoveryFields = {
  findableByEmail: Type.Boolean({ description: 'members who have your email in their contacts may find you' }),
  findableByPhone: Type.Boolean({ description: 'members who have your (verified) phone number may find you' }),
};
export const Privacy = Type.Object(
  { ...PrivacyFields, ...DiscoveryFields },
  {
    description:
      'Who sees each field: public (everyone), connections, or private (only you); and whether members may find ' +
      'you by your email or phone number (contact discovery).',
  },
);
const PrivacyPatch = Type.Partial(
  Type.Object({ ...PrivacyFields, ...DiscoveryFields }, { additionalProperties: false }),
  {
    additionalProperties: false,
    minProperties: 1,
  },
);
export const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'IANA time zone, e.g. Europe/Paris (default UTC)',
});
export const ArrivedAt = Type.String({
  format: 'date',
  description: 'When you arrived in your country of residence (YYYY-MM-DD, not in the future)',
});
export const MessagePolicy = Type.Enum(['everyone', 'followers', 'connections', 'nobody'], {
  description: 'Who may start a conversation with you.',
});
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const PhoneNumber = Type.String({ pattern: '^\\+[1-9][0-9]{7,14}$', description: 'E.164, e.g. +221771234567' });
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export const Counts = Type.Object({
  followers: Type.Integer(),
  following: Type.Integer(),
  connections: Type.Integer(),
});

export const UserIdParam = Type.Object({ userId: Type.String({ pattern: '^usr_[0-9a-z]{26}$' }) });

export const PublicUser = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  avatarUrl: Type.Optional(Type.String()),
  bio: Type.Optional(Type.String()),
  originCountry: Type.Optional(Type.String()),
  residenceCountry: Type.Optional(Type.String()),
  residenceCity: Type.Optional(Type.String()),
  coordinates: Type.Optional(Coordinates),
  languages: Type.Optional(Type.Array(Type.String())),
  domains: Type.Optional(Type.Array(Type.String())),
  arrivedAt: Type.Optional(Type.String({ format: 'date' })),
  roles: Type.Array(Type.Enum([...ROLES])),
  tier: Type.Enum(['free', 'premium']),
  createdAt: IsoDateTimeSchema,
});

export const OwnProfile = Type.Object({
  ...PublicUser.properties,
  email: Type.String(),
  emailVerified: Type.Boolean(),
  phone: Type.Optional(Type.String()),
  phoneVerified: Type.Boolean(),
  hasPassword: Type.Boolean({ description: 'false for accounts created through a sign-in provider' }),
  timeZone: Type.String({ description: 'IANA time zone (notifications and quiet hours use it)' }),
  privacy: Privacy,
  whoCanMessage: MessagePolicy,
  updatedAt: IsoDateTimeSchema,
});

export const OwnProfileWithCounts = Type.Object({ ...OwnProfile.properties, counts: Counts });

export const MemberProfile = Type.Object({
  ...PublicUser.properties,
  counts: Counts,
  relationship: Type.Optional(
    Type.Object({
      following: Type.Boolean(),
      followedBy: Type.Boolean(),
      connected: Type.Boolean(),
      blocking: Type.Boolean(),
      blockedBy: Type.Boolean(),
      pendingRequest: Type.Optional(Type.Object({ id: Type.String(), direction: Type.Enum(['incoming', 'outgoing']) })),
    }),
  ),
});

export const RegisterBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    displayName: DisplayName,
    originCountry: CountryCodeSchema,
    residenceCountry: CountryCodeSchema,
    residenceCity: City,
    languages: Languages,
    domains: Type.Optional(Domains),
    bio: Type.Optional(Bio),
    timeZone: Type.Optional(TimeZone),
    arrivedAt: Type.Optional(ArrivedAt),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const AuthResponse = Type.Object({
  user: OwnProfile,
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer({ description: 'Access token lifetime in seconds' }),
  tokenType: Type.Literal('Bearer'),
});

export const ProfilePatch = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    bio: Type.Optional(Type.Union([Bio, Type.Null()])),
    avatarUrl: Type.Optional(Type.Union([AvatarUrl, Type.Null()])),
    originCountry: Type.Optional(CountryCodeSchema),
    residenceCountry: Type.Optional(CountryCodeSchema),
    residenceCity: Type.Optional(City),
    languages: Type.Optional(Languages),
    domains: Type.Optional(Domains),
    coordinates: Type.Optional(Type.Union([Coordinates, Type.Null()])),
    timeZone: Type.Optional(TimeZone),
    arrivedAt: Type.Optional(Type.Union([ArrivedAt, Type.Null()])),
    privacy: Type.Optional(PrivacyPatch),
    whoCanMessage: Type.Optional(MessagePolicy),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const Jwks = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.String(),
      kid: Type.String(),
      use: Type.String(),
      alg: Type.String(),
      n: Type.String(),
      e: Type.String(),
    }),
  ),
});
