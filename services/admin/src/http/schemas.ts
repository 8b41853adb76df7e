import { PlatformSettingsSchema } from '@diaspora/events';
import { CountryCodeSchema, IsoDateTimeSchema, PageQuerySchema } from '@diaspora/service-kit';
import { Type } from 'typebox';
import { REPORTS } from '../domain/analytics.js';
import { CASE_ACTIONS } from '../domain/case-model.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const UserIdParam = Type.Object({ id: Type.String({ pattern: '^usr_[0-9a-z]{26}$' }) });
export const CaseIdParam = Type.Object({ id: Type.String({ pattern: '^cas_[0-9a-z]{26}$' }) });
export const ReportParam = Type.Object({ report: Type.Enum([...REPORTS]) });

const City = Type.String({ minLength: 1, maxLength: 100 });

export const MemberQuery = Type.Object(
  {
    ...PageQuerySchema.properties,
    q: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(Type.Enum(['active', 'suspended'])),
    role: Type.Optional(Type.Enum(['super', 'ambassador', 'consul', 'premium', 'regular'])),
    country: Type.Optional(CountryCodeSchema),
    city: Type.Optional(City),
    originCountry: Type.Optional(CountryCodeSchema),
  },
  { additionalProperties: false },
);

const Assignment = Type.Object({ role: Type.String(), country: Type.String(), city: Type.String() });

export const MemberView = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  email: Type.Optional(Type.String({ description: 'super users only' })),
  originCountry: Type.String(),
  residenceCountry: Type.String(),
  residenceCity: Type.String(),
  roles: Type.Array(Type.String()),
  assignments: Type.Array(Assignment),
  tier: Type.String(),
  status: Type.String(),
  suspendedUntil: Type.Optional(Type.String()),
  suspensionReason: Type.Optional(Type.String()),
  createdAt: Type.String(),
});

export const MemberPage = Type.Object({ items: Type.Array(MemberView), nextCursor: Nullable(Type.String()) });

const AuditView = Type.Object({
  id: Type.String(),
  at: IsoDateTimeSchema,
  actorId: Type.String(),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Type.String(),
  reason: Type.Optional(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  country: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  source: Type.String({ description: 'admin, or user-service for its role audit' }),
});

export const MemberDetail = Type.Object({
  member: MemberView,
  roles: Type.Array(Assignment),
  scorecard: Nullable(Type.Record(Type.String(), Type.Unknown())),
  audit: Type.Array(AuditView),
  cases: Type.Array(
    Type.Object({
      id: Type.String(),
      targetType: Type.String(),
      targetId: Type.String(),
      status: Type.String(),
      action: Nullable(Type.String()),
      openedAt: Type.String(),
    }),
  ),
});

export const SuspendBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
    until: Type.Optional(IsoDateTimeSchema),
  },
  { additionalProperties: false },
);
export const ReinstateBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);

export const ReportQuery = Type.Object(
  {
    ...PageQuerySchema.properties,
    status: Type.Enum(['open', 'resolved'], { default: 'open' }),
    targetType: Type.Optional(Type.Enum(['post', 'comment', 'message', 'user'])),
  },
  { additionalProperties: false },
);

export const CaseView = Type.Object({
  id: Type.String(),
  targetType: Type.String(),
  targetId: Type.String(),
  authorId: Type.Optional(Type.String()),
  reasons: Type.Array(Type.String()),
  reportCount: Type.Integer(),
  score: Type.Number(),
  labels: Type.Array(Type.String()),
  status: Type.Enum(['open', 'resolved']),
  openedAt: IsoDateTimeSchema,
  country: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  preview: Type.Optional(
    Type.Object({
      text: Type.String(),
      state: Type.Optional(Type.String()),
      type: Type.Optional(Type.String()),
      createdAt: Type.Optional(Type.String()),
    }),
  ),
  resolution: Type.Optional(
    Type.Object({
      action: Type.String(),
      by: Type.String(),
      at: Type.String(),
      reason: Type.String(),
      appeal: Type.Boolean(),
    }),
  ),
  appeal: Type.Optional(Type.Object({ statement: Type.String(), at: Type.String() })),
});

export const CasePage = Type.Object({ items: Type.Array(CaseView), nextCursor: Nullable(Type.String()) });

export const ResolveBody = Type.Object(
  {
    action: Type.Enum([...CASE_ACTIONS]),
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
    until: Type.Optional(IsoDateTimeSchema),
  },
  { additionalProperties: false },
);

export const AppealBody = Type.Object(
  { statement: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

export const DecisionList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      targetType: Type.String(),
      targetId: Type.String(),
      status: Type.String(),
      action: Type.String(),
      reason: Type.String(),
      decidedAt: Type.String(),
      appealable: Type.Boolean(),
      appeal: Type.Optional(Type.Object({ statement: Type.String(), at: Type.String() })),
    }),
  ),
});

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (UTC)' });

export const AnalyticsQuery = Type.Object(
  {
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    country: Type.Optional(CountryCodeSchema),
    city: Type.Optional(City),
    format: Type.Enum(['json', 'csv'], { default: 'json' }),
  },
  { additionalProperties: false },
);

export const AnalyticsReport = Type.Object({
  report: Type.String(),
  from: Type.String(),
  to: Type.String(),
  country: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  series: Type.Array(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
  totals: Type.Record(Type.String(), Type.Number()),
});

export const AuditQuery = Type.Object(
  {
    ...PageQuerySchema.properties,
    actorId: Type.Optional(Type.String({ maxLength: 64 })),
    targetId: Type.Optional(Type.String({ maxLength: 64 })),
    targetType: Type.Optional(Type.String({ maxLength: 32 })),
    action: Type.Optional(Type.String({ maxLength: 64 })),
    from: Type.Optional(IsoDateTimeSchema),
    to: Type.Optional(IsoDateTimeSchema),
  },
  { additionalProperties: false },
);

export const AuditPage = Type.Object({ items: Type.Array(AuditView), nextCursor: Nullable(Type.String()) });

export const SettingsView = Type.Object({
  settings: PlatformSettingsSchema,
  version: Type.Integer(),
  updatedBy: Type.Optional(Type.String()),
  updatedAt: Type.Optional(Type.String()),
});

export const SettingsPatch = Type.Partial(PlatformSettingsSchema, { additionalProperties: false, minProperties: 1 });

export const AdminMe = Type.Object({
  id: Type.String(),
  roles: Type.Array(Type.String()),
  scope: Type.Object({
    kind: Type.Enum(['all', 'country', 'city']),
    country: Type.Optional(Type.String()),
    city: Type.Optional(Type.String()),
  }),
});
