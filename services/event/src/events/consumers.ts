import { RoleAppointed, RoleRevoked, TicketPaid, UserProfileUpdated } from '@diaspora/events';
import {
  type Cache,
  consumer,
  type Database,
  type EventConsumer,
  idempotentConsumer,
  type Logger,
} from '@diaspora/service-kit';
import { audienceKey } from '../clients/user-directory.js';
import type { UnitOfWork } from '../domain/ports.js';
import type { Registrations } from '../domain/registrations.js';

/**
 * What this service listens to; each handler runs exactly once per event (processed_events, same transaction).
 * users.user.deleted is the kit's (the `userData` part erases in its transaction).
 */
export function eventConsumers(deps: {
  db: Database;
  uow: UnitOfWork;
  registrations: Registrations;
  cache: Cache;
  logger: Logger;
}): EventConsumer[] {
  const { db, uow, registrations, cache, logger } = deps;
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
