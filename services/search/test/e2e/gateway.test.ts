import { randomBytes } from 'node:crypto';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allInOne, type Json } from './platform.js';

// The "done when" of the search issue, as a client sees it: the all-in-one platform (built services, gateway,
// embedded PostgreSQL, in-process bus), a new member, event and post found through the gateway within 5 s.
const platform = allInOne('search-e2e', ['user', 'event', 'content', 'search']);
const { api } = platform;
beforeAll(() => platform.boot(), 120_000);
afterAll(() => platform.dispose());

const word = Array.from(randomBytes(9), (byte) => 'abcdefghijklmnopqrstuvwxyz'[byte % 26]).join('');
const typo = `${word.slice(0, 4)}${word[4] === 'q' ? 'z' : 'q'}${word.slice(5)}`;

async function register(email: string, displayName: string, city: string) {
  const registered = await api('POST', '/api/v1/users/auth/register', {
    email,
    password: 'a long passphrase here',
    displayName,
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: city,
    languages: ['fr', 'en'],
    domains: ['ict'],
  });
  expect(registered.status).toBe(201);
  // Verified members may create events: the code comes from the dev outbox, then a fresh token carries it.
  const mails = (await api('GET', `/dev/outbox?to=${encodeURIComponent(email)}`)).body.messages as Json[];
  const token = /code in the app: (\S+)/.exec(mails.at(-1).text)?.[1];
  expect((await api('POST', '/api/v1/users/auth/verify-email', { token })).status).toBe(204);
  const login = await api('POST', '/api/v1/users/auth/login', { email, password: 'a long passphrase here' });
  return { id: registered.body.user.id as string, token: login.body.accessToken as string };
}

const within5s = <T>(what: string, probe: () => Promise<T>) => until(probe, { what, timeoutMs: 5_000 });

describe('search through the all-in-one gateway', () => {
  it('finds a new member, event and post by a word and with a typo, with facets and a geo filter; a deleted post leaves', async () => {
    const seeker = await register(`seeker-${word}@example.com`, 'Seeker Person', 'Lyon');
    const author = await register(`author-${word}@example.com`, `Awa ${word}`, 'Paris');
    const start = new Date(Date.now() + 10 * 86_400_000);
    const created = await api(
      'POST',
      '/api/v1/events',
      {
        title: `${word} founders evening`,
        description: 'Meet founders of the diaspora',
        domain: 'ict',
        type: 'free',
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 7_200_000).toISOString(),
        timezone: 'Europe/Paris',
        venue: {
          name: 'Station F',
          address: '5 Parvis Alan Turing',
          city: 'Paris',
          country: 'FR',
          lat: 48.8342,
          lon: 2.3707,
        },
        capacity: 50,
        languages: ['fr'],
      },
      author.token,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const posted = await api(
      'POST',
      '/api/v1/content/posts',
      { text: `Who is coming to the ${word} evening?`, tags: ['founders'], visibility: 'public', language: 'en' },
      author.token,
    );
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);

    const search = async (query: string) => {
      const answer = await api('GET', `/api/v1/search?${query}`, undefined, seeker.token);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body as { items: Json[]; facets: Record<string, Record<string, number>>; total: number };
    };
    const found = await within5s('the three by a word', async () => {
      const page = await search(`q=${word}`);
      return page.total === 3 ? page : null;
    });
    expect(new Set(found.items.map((item: Json) => item.id))).toEqual(
      new Set([author.id, created.body.id, posted.body.id]),
    );
    expect(found.facets.type).toEqual({ users: 1, events: 1, posts: 1 });
    expect(found.facets.city).toEqual({ Paris: 3 });

    expect((await search(`q=${typo}`)).total).toBe(3);
    const near = await search(`q=${word}&near=48.8566,2.3522&radiusKm=10`);
    expect(near.items.map((item: Json) => item.id)).toEqual([created.body.id]);
    expect((await search(`q=${word}&near=45.764,4.8357&radiusKm=10`)).total).toBe(0); // Lyon

    expect((await api('DELETE', `/api/v1/content/posts/${posted.body.id}`, undefined, author.token)).status).toBe(204);
    await within5s('the deleted post to leave', async () => {
      const page = await search(`q=${word}`);
      return page.total === 2 && !page.items.some((item: Json) => item.id === posted.body.id);
    });
  }, 60_000);
});
