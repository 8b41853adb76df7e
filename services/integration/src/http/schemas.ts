import { IsoDateTimeSchema, PageQuerySchema } from '@diaspora/service-kit';
import { Type } from 'typebox';

const Id = Type.String({ maxLength: 64, pattern: '^[a-z]{3}_[0-9a-z]+$' });
export const WebhookIdParam = Type.Object({ id: Id });
export const DeliveryParams = Type.Object({ id: Id, deliveryId: Id });

export const WebhookBody = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 2048, description: 'http(s) URL of the receiver' }),
    events: Type.Array(Type.String({ minLength: 1, maxLength: 120 }), {
      minItems: 1,
      maxItems: 50,
      description: 'Event subjects or NATS-style patterns (`users.user.*`, `events.>`) over the declared subjects',
    }),
  },
  { additionalProperties: false },
);

export const SubscriptionView = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  status: Type.Enum(['active', 'disabled']),
  createdAt: IsoDateTimeSchema,
  consecutiveFailures: Type.Integer(),
  lastSuccessAt: Type.Optional(IsoDateTimeSchema),
  disabledAt: Type.Optional(IsoDateTimeSchema),
});

export const CreatedSubscription = Type.Object({
  ...SubscriptionView.properties,
  secret: Type.String({ description: '`whsec_<base64 key>`: shown once; verify signatures with it' }),
});

export const SubscriptionList = Type.Object({ items: Type.Array(SubscriptionView) });

export const DeliveryView = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  subject: Type.String(),
  status: Type.Enum(['pending', 'succeeded', 'failed', 'canceled']),
  createdAt: IsoDateTimeSchema,
  nextAttemptAt: Type.Optional(IsoDateTimeSchema),
  attempts: Type.Array(
    Type.Object({
      at: IsoDateTimeSchema,
      outcome: Type.String(),
      durationMs: Type.Integer(),
      statusCode: Type.Optional(Type.Integer()),
      detail: Type.Optional(Type.String()),
    }),
  ),
});

export const DeliveryPage = Type.Object({
  items: Type.Array(DeliveryView),
  nextCursor: Type.Optional(Type.String()),
});

export const DeliveryQuery = PageQuerySchema;

const Hash = Type.String({ maxLength: 128, description: 'lower-case hex SHA-256' });
export const ContactImportBody = Type.Object(
  {
    emailHashes: Type.Optional(Type.Array(Hash, { maxItems: 1000 })),
    phoneHashes: Type.Optional(Type.Array(Hash, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);

export const ContactMatches = Type.Object({
  matches: Type.Array(
    Type.Object({ userId: Type.String(), displayName: Type.String(), avatarUrl: Type.Optional(Type.String()) }),
  ),
});
