import {
  CheckinRecorded,
  CommentCreated,
  type EventData,
  type EventDefinition,
  LikeCreated,
  MessageCreated,
  PostPublished,
  RatingSubmitted,
  RegistrationCreated,
  SessionStarted,
  SubscriptionActivated,
  SubscriptionCanceled,
  TicketPaid,
  TransactionRecorded,
  UserRegistered,
} from '@diaspora/events';
import { type Database, type EventConsumer, idempotentConsumer } from '@diaspora/service-kit';
import type { Scope, UnitOfWork } from '../domain/ports.js';
import type { Place } from '../domain/settings-model.js';

const dayOf = (at: string) => new Date(at).toISOString().slice(0, 10);

async function memberPlace(scope: Scope, userId: string): Promise<Place> {
  const member = await scope.members.find(userId);
  return { country: member?.residenceCountry ?? '', city: member?.residenceCity ?? '' };
}

/**
 * Analytics read models, fed only by events: counters per day and community (the member's residence, or the
 * event's place for participation) and daily active members. Activity comes from what members do (posts,
 * comments, likes, messages, registrations, check-ins, ratings) and from signing in (`users.session.started`).
 */
export function analyticsConsumers(deps: { db: Database; uow: UnitOfWork }): EventConsumer[] {
  const { db, uow } = deps;
  const counting = <D extends EventDefinition>(
    name: string,
    event: D,
    handle: (scope: Scope, data: EventData<D>) => Promise<void>,
  ) => idempotentConsumer(db, `analytics-${name}`, event, (tx, data) => handle(uow.scopeFor(tx), data));

  /** One activity of a member: their counter of the day, and their being active that day. */
  const activity = async (scope: Scope, metric: string, userId: string, at: string, known?: Place) => {
    const place = known?.country ? known : await memberPlace(scope, userId);
    await scope.analytics.bump({ day: dayOf(at), metric, place, amount: 1 });
    await scope.analytics.markActive(dayOf(at), userId, place);
  };

  const eventPlace = (data: { country?: string; city?: string }): Place => ({
    country: data.country ?? '',
    city: data.city ?? '',
  });

  return [
    counting('registered', UserRegistered, async (scope, data) => {
      await scope.members.upsert({
        userId: data.userId,
        displayName: data.displayName,
        originCountry: data.originCountry,
        residenceCountry: data.residenceCountry,
        residenceCity: data.residenceCity,
        registeredAt: new Date(data.registeredAt),
      });
      const place = { country: data.residenceCountry, city: data.residenceCity };
      await scope.analytics.bump({ day: dayOf(data.registeredAt), metric: 'registrations', place, amount: 1 });
      await scope.analytics.markActive(dayOf(data.registeredAt), data.userId, place);
    }),
    // A sign-in makes the member active that day without counting anything else.
    counting('session', SessionStarted, async (scope, data) => {
      await scope.analytics.markActive(dayOf(data.at), data.userId, await memberPlace(scope, data.userId));
    }),
    counting('post', PostPublished, (scope, data) => activity(scope, 'posts', data.authorId, data.createdAt)),
    counting('comment', CommentCreated, (scope, data) => activity(scope, 'comments', data.authorId, data.at)),
    counting('like', LikeCreated, (scope, data) => activity(scope, 'likes', data.userId, data.at)),
    counting('message', MessageCreated, (scope, data) => activity(scope, 'messages', data.senderId, data.createdAt)),
    counting('event-registration', RegistrationCreated, async (scope, data) => {
      await scope.analytics.bump({
        day: dayOf(data.at),
        metric: 'eventRegistrations',
        place: eventPlace(data),
        amount: 1,
      });
      await scope.analytics.markActive(dayOf(data.at), data.userId, await memberPlace(scope, data.userId));
    }),
    counting('check-in', CheckinRecorded, async (scope, data) => {
      await scope.analytics.bump({
        day: dayOf(data.checkedInAt),
        metric: 'checkIns',
        place: eventPlace(data),
        amount: 1,
      });
    }),
    counting('rating', RatingSubmitted, async (scope, data) => {
      const day = dayOf(data.at);
      await scope.analytics.bump({ day, metric: 'ratings', place: eventPlace(data), amount: 1 });
      // Points in hundredths so the average survives integer counters.
      await scope.analytics.bump({
        day,
        metric: 'ratingPoints',
        place: eventPlace(data),
        amount: Math.round(data.average * 100),
      });
    }),
    counting('subscription-activated', SubscriptionActivated, async (scope, data) => {
      await scope.analytics.bump({
        day: dayOf(data.at),
        metric: 'subscriptionsActivated',
        place: await memberPlace(scope, data.userId),
        amount: 1,
      });
    }),
    counting('subscription-canceled', SubscriptionCanceled, async (scope, data) => {
      await scope.analytics.bump({
        day: dayOf(data.at),
        metric: 'subscriptionsCanceled',
        place: await memberPlace(scope, data.userId),
        amount: 1,
      });
    }),
    counting('ticket-paid', TicketPaid, async (scope, data) => {
      const day = dayOf(data.at);
      const place = await memberPlace(scope, data.userId);
      await scope.analytics.bump({ day, metric: 'ticketsPaid', place, amount: 1 });
    }),
    // Money from the ledger's own event: subscription invoices, tickets and refunds, per currency.
    counting('transaction', TransactionRecorded, async (scope, data) => {
      const place = data.userId ? await memberPlace(scope, data.userId) : {};
      await scope.analytics.bump({
        day: dayOf(data.at),
        metric: data.kind === 'refund' ? 'refundCents' : `${data.kind}RevenueCents`,
        place,
        amount: data.amountCents,
        currency: data.currency.toUpperCase(),
      });
    }),
  ];
}
