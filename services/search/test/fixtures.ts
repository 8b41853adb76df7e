import type { EventData, EventDefinition, EventPublished, PostPublished, UserRegistered } from '@diaspora/events';
import { buildEnvelope, encodeEnvelope, newId } from '@diaspora/service-kit';
import { issueTestToken, startTestService } from '@diaspora/testing';
import { searchService } from '../src/app.js';

export type SearchTestService = Awaited<ReturnType<typeof startTestService<typeof searchService.config>>>;

export function startSearchService(env: Record<string, string> = {}): Promise<SearchTestService> {
  return startTestService(searchService, { env });
}

/** Publishes an event as its owning service would (occurredAt may be set to test ordering). */
export async function deliver<D extends EventDefinition>(
  service: SearchTestService,
  definition: D,
  data: EventData<D>,
  occurredAt?: Date,
) {
  const envelope = buildEnvelope('test', definition, data, occurredAt ? { occurredAt } : {});
  await service.context.bus.publish({ id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) });
  return envelope;
}

export const tokenFor = (
  sub: string,
  tier: 'free' | 'premium' = 'free',
  extra: { city?: string; country?: string } = {},
) => issueTestToken({ sub, tier, ...extra });

export function member(overrides: Partial<EventData<typeof UserRegistered>> = {}): EventData<typeof UserRegistered> {
  return {
    userId: newId('usr'),
    displayName: 'Amina Diallo',
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['fr'],
    domains: ['ict'],
    registeredAt: new Date().toISOString(),
    ...overrides,
  };
}

export function event(overrides: Partial<EventData<typeof EventPublished>> = {}): EventData<typeof EventPublished> {
  const startsAt = new Date(Date.now() + 7 * 86_400_000);
  return {
    eventId: newId('evt'),
    title: 'Diaspora tech meetup',
    domain: 'ict',
    type: 'free',
    status: 'published',
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
    timezone: 'Europe/Paris',
    country: 'FR',
    city: 'Paris',
    lat: 48.8566,
    lon: 2.3522,
    online: false,
    languages: ['en'],
    organizerId: newId('usr'),
    capacity: 100,
    registeredCount: 10,
    ...overrides,
  };
}

export function post(overrides: Partial<EventData<typeof PostPublished>> = {}): EventData<typeof PostPublished> {
  return {
    postId: newId('pst'),
    authorId: newId('usr'),
    text: 'Looking for investors in agriculture projects',
    tags: ['agribusiness'],
    mentions: [],
    language: 'en',
    visibility: 'public',
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    mediaCount: 0,
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}
