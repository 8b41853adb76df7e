import type { Queryable } from '@diaspora/service-kit';
import type { DataStores } from '../domain/ports.js';
import { PgCalendarFeeds } from './calendar-feeds.js';
import { PgEventStore } from './events-repository.js';
import { PgRatingStore } from './ratings-repository.js';
import { PgRegistrationStore } from './registrations-repository.js';
import { PgReminderStore } from './reminders-repository.js';
import { PgRoleStore } from './roles-repository.js';

/** The event service's stores over one queryable: the pool for `uow.read`, a transaction's client in a scope. */
export function eventStores(q: Queryable): DataStores {
  return {
    events: new PgEventStore(q),
    roles: new PgRoleStore(q),
    registrations: new PgRegistrationStore(q),
    ratings: new PgRatingStore(q),
    calendarFeeds: new PgCalendarFeeds(q),
    reminders: new PgReminderStore(q),
  };
}
