import { Type } from 'typebox';
import { defineEvent } from './define.js';

export const WebhookDisabled = defineEvent({
  subject: 'integration.webhook.disabled',
  version: 1,
  description:
    'An outbound webhook subscription was switched off after failing for a day (every retry of a delivery ' +
    'exhausted with no success since); the super user who created it is to be told.',
  schema: Type.Object({
    subscriptionId: Type.String(),
    url: Type.String(),
    createdBy: Type.String(),
    consecutiveFailures: Type.Integer({ minimum: 0 }),
    disabledAt: Type.String({ format: 'date-time' }),
  }),
});

export const CalendarConnectionBroken = defineEvent({
  subject: 'integration.calendar.broken',
  version: 1,
  description:
    "A member's calendar connection stopped working (the grant was revoked or the password refused); syncing " +
    'stopped until they reconnect. Notify the member.',
  schema: Type.Object({
    userId: Type.String(),
    provider: Type.Enum(['google', 'apple']),
    reason: Type.String(),
    at: Type.String({ format: 'date-time' }),
  }),
});
