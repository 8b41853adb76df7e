import {
  CheckinRecorded,
  CommentCreated,
  LikeCreated,
  PostPublished,
  RatingSubmitted,
  RegistrationCreated,
  SessionStarted,
  SubscriptionActivated,
  TicketPaid,
  TransactionRecorded,
  UserRegistered,
} from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ambassadorOf, auth, consulOf, deliver, type Harness, handled, startAdmin, superUser } from '../fixtures.js';

const root = superUser();
const ambassador = ambassadorOf('FR');
const consul = consulOf('FR', 'Lyon');
let h: Harness;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const at = (offset: number) => `${day(offset)}T12:00:00.000Z`;
const members = [
  { id: newId('usr'), country: 'FR', city: 'Paris', on: -2 },
  { id: newId('usr'), country: 'FR', city: 'Lyon', on: -1 },
  { id: newId('usr'), country: 'SN', city: 'Dakar', on: -1 },
];
const registration = {
  eventTitle: 'Meetup',
  eventType: 'free' as const,
  domain: 'ict',
  timezone: 'Europe/Paris',
  organizerId: 'usr_x',
};

beforeAll(async () => {
  h = await startAdmin([root, ambassador, consul]);
  for (const member of members)
    await deliver(h.service, UserRegistered, {
      userId: member.id,
      displayName: 'M',
      originCountry: 'SN',
      residenceCountry: member.country,
      residenceCity: member.city,
      languages: ['fr'],
      domains: [],
      registeredAt: at(member.on),
    });
  await handled(h.service, 3);
  const [paris, lyon, dakar] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0]];
  const postId = newId('pst');
  await deliver(h.service, PostPublished, {
    postId,
    authorId: paris.id,
    text: 'hello',
    tags: [],
    mentions: [],
    language: 'fr',
    visibility: 'public',
    mediaCount: 0,
    createdAt: at(0),
  });
  await deliver(h.service, CommentCreated, {
    commentId: newId('cmt'),
    postId,
    postAuthorId: paris.id,
    authorId: lyon.id,
    text: 'hi',
    language: 'fr',
    mentions: [],
    at: at(0),
  });
  await deliver(h.service, LikeCreated, { postId, postAuthorId: paris.id, userId: dakar.id, at: at(0) });
  const eventFields = { ...registration, eventId: newId('evt'), startsAt: at(1), country: 'FR', city: 'Lyon' };
  await deliver(h.service, RegistrationCreated, {
    registrationId: newId('reg'),
    userId: lyon.id,
    status: 'confirmed',
    ...eventFields,
    at: at(0),
  });
  await deliver(h.service, CheckinRecorded, {
    registrationId: newId('reg'),
    userId: lyon.id,
    checkedInBy: consul.id,
    checkedInAt: at(0),
    method: 'scan',
    ...eventFields,
  });
  const scores = {
    eventQuality: 5,
    participantQuality: 4,
    exchangeQuality: 4,
    venueQuality: 3,
    organizerPerformance: 5,
  };
  await deliver(h.service, RatingSubmitted, {
    ratingId: newId('rat'),
    userId: lyon.id,
    scores,
    average: 4.2,
    ...eventFields,
    at: at(0),
  });
  await deliver(h.service, SubscriptionActivated, {
    subscriptionId: 'sub_1',
    userId: paris.id,
    plan: 'premium-monthly',
    provider: 'stripe',
    at: at(0),
  });
  await deliver(h.service, TransactionRecorded, {
    transactionId: 'txn_1',
    userId: paris.id,
    kind: 'subscription',
    amountCents: 999,
    currency: 'eur',
    provider: 'stripe',
    at: at(0),
  });
  await deliver(h.service, TicketPaid, {
    paymentId: 'pay_1',
    eventId: eventFields.eventId,
    userId: dakar.id,
    amountCents: 2500,
    currency: 'XOF',
    at: at(0),
  });
  await deliver(h.service, TransactionRecorded, {
    transactionId: 'txn_2',
    userId: dakar.id,
    kind: 'ticket',
    amountCents: 2500,
    currency: 'XOF',
    provider: 'stripe',
    at: at(0),
  });
  await handled(h.service, 13);
});
afterAll(() => h.close());

const report = (path: string, who = root) =>
  h.app.inject({ method: 'GET', url: `/api/v1/admin/analytics/${path}`, headers: auth(who) });

describe('analytics from event-fed read models', () => {
  it('growth: registrations per day and DAU/WAU/MAU', async () => {
    const answer = await report(`growth?from=${day(-6)}&to=${day(0)}`);
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(body.series).toHaveLength(7);
    expect(body.series.find((point: { date: string }) => point.date === day(-1))).toMatchObject({
      registrations: 2,
      dau: 2,
    });
    expect(body.totals).toMatchObject({ registrations: 3, dau: 3, wau: 3, mau: 3 });
  });

  it('a sign-in (users.session.started) makes a member active that day, counted once', async () => {
    const dauOn = async (offset: number) =>
      (await report(`growth?from=${day(offset)}&to=${day(offset)}`)).json().series[0].dau as number;
    const before = await dauOn(-5);
    const handledBefore = (
      await h.service.context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM processed_events')
    ).rows[0]!.n;
    const lyon = members[1]!;
    for (const sessionId of ['ses_a', 'ses_b'])
      await deliver(h.service, SessionStarted, { userId: lyon.id, sessionId, at: at(-5) });
    await handled(h.service, handledBefore + 2);
    expect(await dauOn(-5)).toBe(before + 1);
  });

  it('engagement, participation and revenue', async () => {
    const engagement = (await report('engagement')).json();
    expect(engagement.totals).toEqual({ posts: 1, comments: 1, likes: 1, messages: 0 });
    const participation = (await report('participation')).json();
    expect(participation.totals).toMatchObject({ eventRegistrations: 1, checkIns: 1, ratings: 1, averageRating: 4.2 });
    const revenue = (await report('revenue')).json();
    expect(revenue.totals).toMatchObject({
      subscriptionsActivated: 1,
      ticketsPaid: 1,
      subscriptionRevenueCents_EUR: 999,
      ticketRevenueCents_XOF: 2500,
    });
  });

  it('filters by country and city; ambassadors and consuls get their own scope', async () => {
    expect((await report('growth?country=SN')).json().totals.registrations).toBe(1);
    expect((await report('growth?country=FR&city=Lyon')).json().totals.registrations).toBe(1);
    const asAmbassador = (await report('growth', ambassador)).json();
    expect(asAmbassador).toMatchObject({ country: 'FR', totals: { registrations: 2 } });
    const asConsul = (await report('participation', consul)).json();
    expect(asConsul).toMatchObject({ country: 'FR', city: 'Lyon', totals: { checkIns: 1 } });
    expect((await report('growth?country=SN', ambassador)).statusCode).toBe(403);
  });

  it('refuses reversed ranges and ranges over two years (400)', async () => {
    expect((await report(`growth?from=${day(0)}&to=${day(-1)}`)).statusCode).toBe(400);
    expect((await report('growth?from=2023-01-01&to=2025-06-01')).statusCode).toBe(400);
    expect((await report('growth?from=yesterday')).statusCode).toBe(400);
    expect((await report('sales')).statusCode).toBe(400);
  });

  it('answers CSV on ?format=csv', async () => {
    const answer = await report(`engagement?from=${day(-1)}&to=${day(0)}&format=csv`);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toContain('text/csv');
    expect(answer.headers['content-disposition']).toContain('engagement-');
    expect(answer.body.trim().split('\r\n')).toEqual([
      'date,posts,comments,likes,messages',
      `${day(-1)},0,0,0,0`,
      `${day(0)},1,1,1,0`,
    ]);
  });
});
