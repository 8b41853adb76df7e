import { Type } from 'typebox';
import { NOTIFICATION_TYPES } from '../domain/types.js';

const NotificationView = Type.Object({
  id: Type.String({ description: 'ntf_…' }),
  type: Type.Enum([...NOTIFICATION_TYPES]),
  title: Type.String(),
  body: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  readAt: Type.Optional(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
});

export const NotificationPage = Type.Object({
  items: Type.Array(NotificationView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const IdParam = Type.Object({ id: Type.String({ maxLength: 64 }) });
export const UnreadCount = Type.Object({ count: Type.Integer({ minimum: 0 }) });

const Switches = Type.Object({ push: Type.Boolean(), email: Type.Boolean(), in_app: Type.Boolean() });
const QuietHours = Type.Object({
  start: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM, in the member’s time zone' }),
  end: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }),
});

export const PreferencesView = Type.Object({
  ...Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, Switches])),
  quietHours: Type.Optional(QuietHours),
  digest: Type.Enum(['off', 'hourly', 'daily']),
});

/** Checked by the domain (unknown types and channels get field errors), so the body schema only wants an object. */
export const PreferencesUpdate = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'Partial: `{"comment": {"in_app": false}}` changes only that switch; `quietHours: {start, end}` or null; ' +
    '`digest: off|hourly|daily`.',
});

export const DeviceBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 4096 }),
    platform: Type.Enum(['android', 'ios', 'web']),
  },
  { additionalProperties: false },
);
export const DeviceView = Type.Object({ token: Type.String(), platform: Type.String() });
export const TokenParam = Type.Object({ token: Type.String({ maxLength: 4096 }) });
export const UnsubscribeQuery = Type.Object({ token: Type.String({ maxLength: 512 }) });
export const UnsubscribeResult = Type.Object({ type: Type.String(), email: Type.Boolean() });
