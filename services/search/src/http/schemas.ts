import { Type } from 'typebox';

const Many = (description: string) =>
  Type.Optional(
    Type.Union([Type.String({ maxLength: 2000 }), Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 })], {
      description,
    }),
  );

/** Everything arrives as text and is validated in domain/query.ts, one place, with field-named 400s. */
export const SearchQuerystring = Type.Object({
  q: Type.Optional(Type.String({ description: 'words to find (at most 256 characters); any character is literal' })),
  type: Type.Optional(
    Type.String({ description: 'users, events or posts (comma-separated for several); all by default' }),
  ),
  country: Type.Optional(Type.String({ description: 'ISO 3166-1 alpha-2: origin (people, posts) or venue (events)' })),
  city: Type.Optional(Type.String({ description: 'residence (people, posts) or venue (events)' })),
  domain: Many('sector(s): several at once is premium'),
  from: Type.Optional(Type.String({ description: 'date-time: events starting / posts written from' })),
  to: Type.Optional(Type.String({ description: 'date-time: until' })),
  near: Type.Optional(Type.String({ description: 'lat,lon (events with a venue)' })),
  radiusKm: Type.Optional(Type.String({ description: 'default 25; over 50 is premium; at most 20000' })),
  tags: Many('hashtags, all required (posts)'),
  limit: Type.Optional(Type.String({ description: 'page size, 1 to 50 (default 20)' })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
});

const Hit = Type.Object(
  {
    type: Type.Enum(['users', 'events', 'posts']),
    id: Type.String(),
    score: Type.Number(),
  },
  { additionalProperties: true, description: 'the public view of the member, event or post, beside type/id/score' },
);

export const SearchPageSchema = Type.Object({
  items: Type.Array(Hit),
  facets: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), {
    description: 'per facet (type, country, city, domain, tags): value → number of matches',
  }),
  total: Type.Integer(),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const SuggestQuerystring = Type.Object({
  q: Type.String({ description: 'what was typed so far' }),
  limit: Type.Optional(Type.String({ description: '1 to 20 (default 8)' })),
});

export const SuggestionsSchema = Type.Object({
  items: Type.Array(Type.Object({ type: Type.Enum(['users', 'events']), id: Type.String(), text: Type.String() })),
});
