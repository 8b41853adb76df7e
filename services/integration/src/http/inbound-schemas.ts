import { DomainSchema, IsoDateTimeSchema, LanguageTagSchema } from '@diaspora/service-kit';
import { Type } from 'typebox';
import { SCOPES } from '../domain/inbound.js';

const Id = (prefix: string) => Type.String({ maxLength: 64, pattern: `^${prefix}_[0-9a-z]+$` });

export const OrganizationBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export const OrganizationView = Type.Object({ id: Type.String(), name: Type.String(), createdAt: Type.String() });
export const OrganizationList = Type.Object({ items: Type.Array(OrganizationView) });
export const OrganizationParam = Type.Object({ id: Id('org') });
export const KeyParams = Type.Object({ id: Id('org'), keyId: Id('key') });

export const KeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    scopes: Type.Array(Type.Enum([...SCOPES]), { minItems: 1, maxItems: SCOPES.length, uniqueItems: true }),
  },
  { additionalProperties: false },
);
const keyFields = {
  id: Type.String(),
  organizationId: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to tell keys apart' }),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String(),
  revokedAt: Type.Optional(Type.String()),
  lastUsedAt: Type.Optional(Type.String()),
};
export const KeyView = Type.Object(keyFields);
export const CreatedKey = Type.Object({
  ...keyFields,
  key: Type.String({ description: 'The API key, shown this once (only its hash is kept)' }),
});
export const KeyList = Type.Object({ items: Type.Array(KeyView) });

export const InboundRegistrationBody = Type.Object(
  { eventId: Id('evt'), userId: Id('usr') },
  { additionalProperties: false },
);
export const InboundRegistrationView = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  userId: Type.String(),
  status: Type.String({ description: 'confirmed | pending_payment | waitlisted' }),
  waitlistPosition: Type.Optional(Type.Integer()),
  holdExpiresAt: Type.Optional(Type.String()),
  createdAt: Type.String(),
});

const Venue = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    address: Type.String({ minLength: 1, maxLength: 300 }),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false },
);

export const InboundEventBody = Type.Object(
  {
    organizerId: Id('usr'),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ maxLength: 10_000 }),
    domain: DomainSchema,
    type: Type.Enum(['free', 'premium', 'national', 'local']),
    startsAt: IsoDateTimeSchema,
    endsAt: IsoDateTimeSchema,
    timezone: Type.String({ minLength: 1, maxLength: 64 }),
    venue: Type.Optional(Venue),
    online: Type.Optional(Type.Object({ url: Type.String({ pattern: '^https://', maxLength: 2048 }) })),
    capacity: Type.Integer({ minimum: 1, maximum: 100_000 }),
    languages: Type.Array(LanguageTagSchema, { minItems: 1, maxItems: 10, uniqueItems: true }),
    priceCents: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
  },
  { additionalProperties: false },
);
export const ImportedEvent = Type.Object({
  id: Type.String(),
  title: Type.String(),
  status: Type.String({ description: 'draft: the organizer publishes it' }),
  startsAt: Type.String(),
  endsAt: Type.String(),
  organizerId: Type.String(),
  capacity: Type.Integer(),
});

export const idempotencyHeader = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', maxLength: 255, description: 'makes a retry safe' } },
} as const;
