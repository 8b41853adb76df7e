import {
  CountryCodeSchema,
  DomainSchema,
  IsoDateTimeSchema,
  LanguageTagSchema,
  PageQuerySchema,
} from '@diaspora/service-kit';
import { Type } from 'typebox';

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
const HttpsUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 });
const EventType = Type.Enum(['free', 'premium', 'national', 'local']);

export const EventIdParam = Type.Object({ id: Type.String({ pattern: '^evt_[0-9a-z]{26}$' }) });
export const FeedParam = Type.Object({ token: Type.String({ pattern: '^cal_[A-Za-z0-9_-]{32}$' }) });
export const UserIdParam = Type.Object({
  userId: Type.String({ pattern: '^usr_[0-9a-z]{26}$|^usr_[A-Za-z0-9_-]{1,40}$' }),
});

export const Venue = Type.Object(
  {
    name: Text(200),
    address: Text(300),
    city: Text(100),
    country: CountryCodeSchema,
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false },
);

const VenueView = Type.Object({
  name: Type.String(),
  address: Type.String(),
  city: Type.String(),
  country: Type.String(),
  lat: Type.Number(),
  lon: Type.Number(),
});

const Online = Type.Object({ url: HttpsUrl }, { additionalProperties: false });

const Translations = Type.Record(
  Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' }),
  Type.Object(
    { title: Type.Optional(Text(200)), description: Type.Optional(Type.String({ maxLength: 10_000 })) },
    { additionalProperties: false },
  ),
  { maxProperties: 10 },
);

const eventFields = {
  title: Text(200),
  description: Type.String({ maxLength: 10_000 }),
  translations: Type.Optional(Translations),
  domain: DomainSchema,
  startsAt: IsoDateTimeSchema,
  endsAt: IsoDateTimeSchema,
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Paris' }),
  capacity: Type.Integer({ minimum: 1, maximum: 100_000 }),
  languages: Type.Array(LanguageTagSchema, { minItems: 1, maxItems: 10, uniqueItems: true }),
  priceCents: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
  currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
  parentEventId: Type.Optional(Type.String({ pattern: '^evt_[0-9a-z]{26}$' })),
  coverImageUrl: Type.Optional(HttpsUrl),
};

export const CreateEventBody = Type.Object(
  {
    ...eventFields,
    type: EventType,
    venue: Type.Optional(Venue),
    online: Type.Optional(Online),
    recurrence: Type.Optional(
      Type.String({ minLength: 6, maxLength: 500, description: 'RFC 5545 RRULE, e.g. FREQ=WEEKLY;COUNT=6' }),
    ),
    status: Type.Optional(Type.Enum(['draft', 'published'], { default: 'published' })),
  },
  { additionalProperties: false },
);

export const PatchEventBody = Type.Object(
  {
    title: Type.Optional(eventFields.title),
    description: Type.Optional(eventFields.description),
    translations: Type.Optional(Translations),
    domain: Type.Optional(DomainSchema),
    startsAt: Type.Optional(IsoDateTimeSchema),
    endsAt: Type.Optional(IsoDateTimeSchema),
    timezone: Type.Optional(eventFields.timezone),
    capacity: Type.Optional(eventFields.capacity),
    languages: Type.Optional(eventFields.languages),
    priceCents: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    parentEventId: Type.Optional(Type.String({ pattern: '^evt_[0-9a-z]{26}$' })),
    coverImageUrl: Type.Optional(HttpsUrl),
    venue: Type.Optional(Type.Union([Venue, Type.Null()])),
    online: Type.Optional(Type.Union([Online, Type.Null()])),
    status: Type.Optional(Type.Literal('published', { description: 'publishes a draft' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const EditScopeQuery = Type.Object({
  scope: Type.Optional(Type.Enum(['occurrence', 'series'], { default: 'occurrence' })),
});

export const CancelBody = Type.Union([
  Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
  Type.Null(),
]);

export const EventView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  translations: Type.Optional(
    Type.Record(
      Type.String(),
      Type.Object({ title: Type.Optional(Type.String()), description: Type.Optional(Type.String()) }),
    ),
  ),
  domain: Type.String(),
  type: EventType,
  status: Type.Enum(['draft', 'published', 'canceled']),
  startsAt: IsoDateTimeSchema,
  endsAt: IsoDateTimeSchema,
  timezone: Type.String(),
  venue: Type.Optional(VenueView),
  online: Type.Optional(Type.Object({ url: Type.String() })),
  country: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  capacity: Type.Integer(),
  registeredCount: Type.Integer({ description: 'seats taken: confirmed plus pending payment' }),
  waitlistCount: Type.Integer(),
  seatsLeft: Type.Integer(),
  languages: Type.Array(Type.String()),
  organizerId: Type.String(),
  parentEventId: Type.Optional(Type.String()),
  subEventIds: Type.Optional(Type.Array(Type.String())),
  seriesId: Type.Optional(Type.String()),
  occurrenceIndex: Type.Optional(Type.Integer()),
  recurrence: Type.Optional(Type.String()),
  occurrences: Type.Optional(Type.Array(Type.Object({ id: Type.String(), startsAt: IsoDateTimeSchema }))),
  updatedOccurrences: Type.Optional(Type.Integer()),
  canceledOccurrences: Type.Optional(Type.Integer()),
  priceCents: Type.Optional(Type.Integer()),
  currency: Type.Optional(Type.String()),
  coverImageUrl: Type.Optional(Type.String()),
  cancelReason: Type.Optional(Type.String()),
  distanceKm: Type.Optional(Type.Number()),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});

export const EventPage = Type.Object({
  items: Type.Array(EventView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const ListQuery = Type.Object(
  {
    country: Type.Optional(CountryCodeSchema),
    city: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    domain: Type.Optional(DomainSchema),
    type: Type.Optional(EventType),
    from: Type.Optional(IsoDateTimeSchema),
    to: Type.Optional(IsoDateTimeSchema),
    language: Type.Optional(LanguageTagSchema),
    near: Type.Optional(
      Type.String({ pattern: '^-?\\d{1,2}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?$', description: 'lat,lon' }),
    ),
    radiusKm: Type.Optional(Type.Number({ minimum: 0.1, maximum: 500 })),
    organizerId: Type.Optional(Type.String({ maxLength: 64 })),
    ...PageQuerySchema.properties,
  },
  { additionalProperties: false },
);

export const PageQuery = Type.Object(
  {
    ...PageQuerySchema.properties,
  },
  { additionalProperties: false },
);

export const PopularQuery = Type.Object(
  {
    country: Type.Optional(CountryCodeSchema),
    city: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    ...PageQuerySchema.properties,
  },
  { additionalProperties: false },
);

export const UpcomingPage = Type.Object({
  items: Type.Array(EventView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  personalization: Type.Enum(['profile', 'token']),
  audience: Type.Object({
    residenceCountry: Type.Optional(Type.String()),
    residenceCity: Type.Optional(Type.String()),
    originCountry: Type.Optional(Type.String()),
  }),
});

export const RegistrationView = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  userId: Type.String(),
  status: Type.Enum(['confirmed', 'pending_payment', 'waitlisted', 'canceled']),
  waitlistPosition: Type.Optional(Type.Integer()),
  holdExpiresAt: Type.Optional(IsoDateTimeSchema),
  checkInCode: Type.Optional(Type.String()),
  qrPayload: Type.Optional(Type.String()),
  checkedInAt: Type.Optional(IsoDateTimeSchema),
  cancelReason: Type.Optional(Type.String()),
  createdAt: IsoDateTimeSchema,
});

export const RegistrationPage = Type.Object({
  items: Type.Array(RegistrationView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const RegistrationListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(['confirmed', 'pending_payment', 'waitlisted', 'canceled'])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

const Code = Type.String({ minLength: 4, maxLength: 120, description: 'the short code or the QR payload' });

export const CheckInBody = Type.Object({ code: Code }, { additionalProperties: false });

export const CheckInResult = Type.Object({
  registrationId: Type.String(),
  userId: Type.String(),
  checkedInAt: IsoDateTimeSchema,
});

export const BulkCheckInBody = Type.Object(
  {
    items: Type.Array(
      Type.Object({ code: Code, scannedAt: Type.Optional(IsoDateTimeSchema) }, { additionalProperties: false }),
      {
        minItems: 1,
        maxItems: 500,
      },
    ),
  },
  { additionalProperties: false },
);

export const BulkCheckInResult = Type.Object({
  results: Type.Array(
    Type.Object({
      code: Type.String(),
      outcome: Type.Enum(['checked_in', 'already_checked_in', 'unknown_code', 'other_event', 'not_confirmed']),
      registrationId: Type.Optional(Type.String()),
      userId: Type.Optional(Type.String()),
      checkedInAt: Type.Optional(IsoDateTimeSchema),
    }),
  ),
  counts: Type.Record(Type.String(), Type.Integer()),
});

const Score = Type.Integer({ minimum: 1, maximum: 5 });

export const RatingBody = Type.Object(
  {
    eventQuality: Score,
    participantQuality: Score,
    exchangeQuality: Score,
    venueQuality: Score,
    organizerPerformance: Score,
  },
  { additionalProperties: false },
);

export const RatingView = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  ...RatingBody.properties,
  average: Type.Number(),
  createdAt: IsoDateTimeSchema,
});

const Averages = Type.Object({
  ratings: Type.Integer(),
  eventQuality: Type.Number(),
  participantQuality: Type.Number(),
  exchangeQuality: Type.Number(),
  venueQuality: Type.Number(),
  organizerPerformance: Type.Number(),
  overall: Type.Number(),
});

export const RatingSummary = Type.Object({ eventId: Type.String(), ...Averages.properties });

export const Scorecard = Type.Object({
  organizerId: Type.String(),
  year: Type.Integer(),
  country: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  isConsul: Type.Boolean(),
  eventsHeld: Type.Integer(),
  eventsScheduled: Type.Integer(),
  quota: Type.Union([Type.Integer(), Type.Null()]),
  behindQuota: Type.Boolean(),
  flagged: Type.Boolean(),
  flagDate: Type.String(),
  averages: Averages,
  monthly: Type.Array(Type.Object({ month: Type.String(), averages: Averages })),
});

export const YearQuery = Type.Object(
  { year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) },
  { additionalProperties: false },
);

export const CountryScorecardsQuery = Type.Object(
  { year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })), country: Type.Optional(CountryCodeSchema) },
  { additionalProperties: false },
);

export const CalendarFeed = Type.Object({ url: Type.String(), token: Type.String() });
