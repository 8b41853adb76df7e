import type { Queryable } from '@diaspora/service-kit';
import type { Stores } from '../domain/ports.js';
import { PgDeliveryStore } from './deliveries-repository.js';
import {
  PgAlertQuota,
  PgDeviceStore,
  PgMemberStore,
  PgPreferenceStore,
  PgProcessedEvents,
} from './member-repositories.js';
import { PgNotificationStore } from './notifications-repository.js';

/** The stores over one queryable (the pool for `uow.read`, a transaction's client in a scope); jobs come apart. */
export function notificationStores(q: Queryable): Omit<Stores, 'jobs'> {
  return {
    processed: new PgProcessedEvents(q),
    notifications: new PgNotificationStore(q),
    deliveries: new PgDeliveryStore(q),
    preferences: new PgPreferenceStore(q),
    devices: new PgDeviceStore(q),
    members: new PgMemberStore(q),
    alerts: new PgAlertQuota(q),
  };
}
