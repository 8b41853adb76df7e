import { RoleAppointed, RoleRevoked, TicketPaid, UserDeleted, UserProfileUpdated } from '@diaspora/events';
import {
  type Cache,
  consumer,
  type Database,
  type EventConsumer,
  idempotentConsumer,
  type Logger,
} from '@diaspora/service-kit';
import type { Registrations } from '../domain/registrations.js';
import { audienceKey } from '../grpc/user-directory.js';
import type { PgUnitOfWork } from '../store/unit-of-work.js';
import type { Privacy } from './privacy.js';

/** What this service listens to; each handler runs exactly once per event (processed_events, same transaction). */
export function eventConsumers(deps: {
  db: Database;
  uow: PgUnitOfWork;
  registrations: Registrations;
  privacy: Privacy;
  cache: Cache;
  logger: Logger;
}): EventConsumer[] {
  const { db, uow, registrations, privacy, cache, logger } = deps;
  return [
    // A moved member sees their new city in /upcoming at once rather than when the cached audience expires.
    consumer('profile-updated', UserProfileUpdated, async (data) => {
      if (data.changed.some((field) => ['residenceCountry', 'residenceCity', 'originCountry'].includes(field)))
        await cache.delete(audienceKey(data.userId));
    }),
    idempotentConsumer(db, 'ticket-paid', TicketPaid, async (tx, data) => {
      const outcome = await registrations.ticketPaid(uow.scopeFor(tx), {
        paymentId: data.paymentId,
        eventId: data.eventId,
        userId: data.userId,
        amountCents: data.amountCents,
        currency: data.currency,
        at: new Date(data.at),
      });
      logger.info({ paymentId: data.paymentId, eventId: data.eventId, outcome }, 'ticket payment applied');
    }),
    idempotentConsumer(db, 'user-deleted', UserDeleted, async (tx, data) => {
      await privacy.erase(uow.scopeFor(tx), tx, data.userId);
      await cache.delete(audienceKey(data.userId));
    }),
    idempotentConsumer(db, 'role-appointed', RoleAppointed, async (tx, data) => {
      if ((data.role !== 'consul' && data.role !== 'ambassador') || !data.country) return;
      await uow.scopeFor(tx).roles.upsert({
        userId: data.userId,
        role: data.role,
        country: data.country,
        city: data.city ?? null,
        at: new Date(data.at),
      });
    }),
    idempotentConsumer(db, 'role-revoked', RoleRevoked, async (tx, data) => {
      if (data.role !== 'consul' && data.role !== 'ambassador') return;
      await uow.scopeFor(tx).roles.remove(data.userId, data.role);
    }),
  ];
}
