import { CountryCodeSchema, DomainSchema, IsoDateTimeSchema, LanguageTagSchema, ROLES } from '@diaspora/service-kit';
import { Type } from 'typebox';

const DisplayName = Type.String({ minLength: 1, maxLength: 80, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });
const City = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });
const Languages = Type.Array(LanguageTagSchema, { minItems: 1, maxItems: 10, uniqueItems: true });
const Domains = Type.Array(DomainSchema, { maxItems: 16, uniqueItems: true });
const Bio = Type.String({ maxLength: 1000 });
const AvatarUrl = Type.String({ format: 'uri', pattern: '^https://', maxLength: 2048 });

export const UserIdParam = Type.Object({ userId: Type.String({ pattern: '^usr_[0-9a-z]{26}$' }) });

export const PublicUser = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  avatarUrl: Type.Optional(Type.String()),
  bio: Type.Optional(Type.String()),
  originCountry: Type.Optional(Type.String()),
  residenceCountry: Type.Optional(Type.String()),
  residenceCity: Type.Optional(Type.String()),
  languages: Type.Array(Type.String()),
  domains: Type.Array(Type.String()),
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
  updatedAt: IsoDateTimeSchema,
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
