import {
  EventCanceled,
  EventUpdated,
  RegistrationCanceled,
  RegistrationCreated,
  RegistrationPromoted,
} from '@diaspora/events';
import { consumer, type EventConsumer } from '@diaspora/service-kit';
import type { CalendarSync } from '../domain/calendars.js';
import type { CrmSync } from '../domain/crm.js';
import type { CalendarEntry } from '../domain/model.js';
import { declaredEvents } from '../domain/subjects.js';
import type { Webhooks } from '../domain/webhooks.js';

interface Snapshot {
  eventId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  city?: string;
  country?: string;
  online: boolean;
}

const entryOf = (event: Snapshot, canceled: boolean): CalendarEntry => {
  const location = [event.city, event.country].filter(Boolean).join(', ') || (event.online ? 'Online' : '');
  return {
    eventId: event.eventId,
    title: event.title,
    startsAt: new Date(event.startsAt),
    endsAt: new Date(event.endsAt),
    timezone: event.timezone,
    ...(location ? { location } : {}),
    canceled,
  };
};

/**
 * Events of other services this one listens to.
 * - Webhooks: one durable consumer per declared subject (the kit's consumers are per event definition, which also
 *   checks each payload against its schema before it leaves the platform); each turns the event into deliveries,
 *   idempotently (one per subscription and event id).
 * - Calendars: a confirmed seat adds the event to the member's calendars, a canceled registration removes it, an
 *   updated or canceled event is rewritten. Calendar writes are idempotent (one object per member and event).
 */
export function integrationConsumers(deps: {
  webhooks: Webhooks;
  calendars: CalendarSync;
  crm?: CrmSync;
}): EventConsumer[] {
  const { calendars, crm } = deps;
  const webhookConsumers: EventConsumer[] = declaredEvents.map((event) => ({
    name: `webhooks-${event.subject.replaceAll('.', '-')}`,
    event,
    handle: async (envelope) => void (await deps.webhooks.fanOut(envelope)),
  }));
  return [
    ...webhookConsumers,
    consumer('calendar-registration-created', RegistrationCreated, async (data) => {
      if (data.status === 'confirmed') await calendars.registered(data.userId, data);
    }),
    consumer('calendar-registration-promoted', RegistrationPromoted, async (data) => {
      if (data.status === 'confirmed') await calendars.registered(data.userId, data);
    }),
    consumer('calendar-registration-canceled', RegistrationCanceled, (data) =>
      calendars.unregistered(data.userId, data.eventId),
    ),
    ...(crm ? crmConsumers(crm) : []),
    consumer('calendar-event-updated', EventUpdated, (data) =>
      calendars.eventChanged(entryOf(data, data.status === 'canceled')),
    ),
    consumer('calendar-event-canceled', EventCanceled, (data) => calendars.eventChanged(entryOf(data, true))),
  ];
}

/** The CRM connector: a member's contact is rewritten whenever the seats they hold change. */
function crmConsumers(crm: CrmSync): EventConsumer[] {
  const change = (data: { eventId: string; eventTitle: string; startsAt: string }, held: boolean) => ({
    eventId: data.eventId,
    title: data.eventTitle,
    startsAt: data.startsAt,
    held,
  });
  return [
    consumer('crm-registration-created', RegistrationCreated, async (data) => {
      if (data.status !== 'waitlisted') await crm.registrationsChanged(data.userId, change(data, true));
    }),
    consumer('crm-registration-promoted', RegistrationPromoted, (data) =>
      crm.registrationsChanged(data.userId, change(data, true)),
    ),
    consumer('crm-registration-canceled', RegistrationCanceled, (data) =>
      crm.registrationsChanged(data.userId, change(data, false)),
    ),
  ];
}
