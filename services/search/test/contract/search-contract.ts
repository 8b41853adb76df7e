import { randomBytes } from 'node:crypto';
import {
  BlockCreated,
  BlockDeleted,
  ContentHeld,
  ContentRestored,
  EventCanceled,
  EventPublished,
  PostDeleted,
  PostPublished,
  PostUpdated,
  UserDeleted,
  UserProfileUpdated,
  UserRegistered,
} from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, event, member, post, type SearchTestService, startSearchService, tokenFor } from '../fixtures.js';

/** A made-up word of `length` letters, unique to one test, so tests sharing an index never see each other. */
const word = (length = 9) =>
  Array.from(randomBytes(length), (byte) => 'abcdefghijklmnopqrstuvwxyz'[byte % 26]).join('');

interface Page {
  items: Array<{ type: string; id: string; score: number } & Record<string, unknown>>;
  facets: Record<string, Record<string, number>>;
  total: number;
  nextCursor: string | null;
}

/**
 * The search contract, the same for every engine: the service is built as in production with SEARCH_ENGINE
 * and friends from `env()`, fed the other services' events on its bus, and asked over HTTP.
 */
export function describeSearchContract(name: string, env: () => Record<string, string>): void {
  describe(`search contract: ${name}`, () => {
    let service: SearchTestService;
    const viewer = member({ displayName: 'Viewer Person', residenceCity: 'Lyon', originCountry: 'CM' });
    const token = tokenFor(viewer.userId);

    beforeAll(async () => {
      service = await startSearchService(env());
      await deliver(service, UserRegistered, viewer);
    }, 60_000);
    afterAll(async () => service?.close());

    const search = async (query: string, as = token): Promise<Page> => {
      const response = await service.app.inject({
        method: 'GET',
        url: `/api/v1/search?${query}`,
        headers: { authorization: `Bearer ${as}` },
      });
      if (response.statusCode !== 200) throw new Error(`search ${query} → ${response.statusCode} ${response.body}`);
      return response.json();
    };
    const ids = (page: Page) => page.items.map((item) => item.id);
    const eventually = async (query: string, test: (page: Page) => boolean, as = token) => {
      let last: Page | undefined;
      try {
        return await until(
          async () => {
            last = await search(query, as);
            return test(last) ? last : null;
          },
          { what: `search ${query}`, timeoutMs: 5_000 },
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}; last answer: ${JSON.stringify(last)}`);
      }
    };

    it('finds a new member, event and post by a word within 5 s, and with a one-letter typo', async () => {
      const w = word();
      const typo = `${w.slice(0, 3)}${w[3] === 'x' ? 'y' : 'x'}${w.slice(4)}`;
      const someone = member({ displayName: `Kofi ${w}` });
      const meetup = event({ title: `${w} founders evening` });
      const note = post({ text: `Great ${w} workshop yesterday` });
      await deliver(service, UserRegistered, someone);
      await deliver(service, EventPublished, meetup);
      await deliver(service, PostPublished, note);
      const found = await eventually(`q=${w}`, (page) => page.total === 3);
      expect(new Set(ids(found))).toEqual(new Set([someone.userId, meetup.eventId, note.postId]));
      const member_ = found.items.find((item) => item.type === 'users');
      expect(member_).toMatchObject({ displayName: `Kofi ${w}`, originCountry: 'SN', residenceCity: 'Paris' });
      expect(found.items.find((item) => item.type === 'events')).toMatchObject({ title: meetup.title, city: 'Paris' });
      expect(found.items.find((item) => item.type === 'posts')).toMatchObject({
        text: note.text,
        authorId: note.authorId,
      });
      expect((await search(`q=${typo}`)).total).toBe(3);
    });

    it('tolerates no typo in words under 5 letters, and matches words regardless of accents and case', async () => {
      const w = word(4);
      const other = `${w.slice(0, 3)}${w[3] === 'x' ? 'y' : 'x'}`;
      const accented = member({ displayName: `Adélaïde Ngozi${w}`, residenceCity: 'Bordeaux' });
      await deliver(service, UserRegistered, member({ displayName: `Short ${w}` }));
      await deliver(service, UserRegistered, accented);
      await eventually(`q=${w}`, (page) => page.total === 1);
      expect((await search(`q=${other}`)).total).toBe(0);
      const found = await eventually(`q=ADELAIDE%20ngozi${w}`, (page) => page.total === 1);
      expect(ids(found)).toEqual([accented.userId]);
    });

    it('stems English and French words', async () => {
      const w = word();
      const english = post({ text: `${w} meetups for developers`, language: 'en' });
      const french = post({ text: `${w} rencontres des développeuses`, language: 'fr' });
      await deliver(service, PostPublished, english);
      await deliver(service, PostPublished, french);
      await eventually(`q=${w}`, (page) => page.total === 2);
      expect(ids(await search(`q=${w}%20meetup%20developer`))).toEqual([english.postId]);
      expect(ids(await search(`q=${w}%20rencontre%20developpeuse`))).toEqual([french.postId]);
    });

    it('filters by type, country, city, domain, tags, dates and distance, and counts facets over all matches', async () => {
      const w = word();
      const paris = event({ title: `${w} summit`, domain: 'health', city: 'Paris', country: 'FR' });
      const dakar = event({
        title: `${w} summit`,
        domain: 'ict',
        city: 'Dakar',
        country: 'SN',
        lat: 14.7167,
        lon: -17.4677,
        startsAt: new Date(Date.now() + 40 * 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 40 * 86_400_000 + 3_600_000).toISOString(),
      });
      const tagged = post({ text: `${w} summit recap`, tags: ['Summit', 'health'], originCountry: 'CI' });
      const person = member({ displayName: `${w} Traoré`, originCountry: 'ML', residenceCity: 'Paris' });
      for (const e of [paris, dakar]) await deliver(service, EventPublished, e);
      await deliver(service, PostPublished, tagged);
      await deliver(service, UserRegistered, person);
      const all = await eventually(`q=${w}`, (page) => page.total === 4);
      expect(all.facets.type).toEqual({ events: 2, posts: 1, users: 1 });
      expect(all.facets.country).toEqual({ FR: 1, SN: 1, CI: 1, ML: 1 });
      expect(all.facets.city).toEqual({ Paris: 3, Dakar: 1 });
      expect(all.facets.domain).toMatchObject({ health: 1, ict: 2 });
      expect(all.facets.tags).toEqual({ summit: 1, health: 1 });

      expect(ids(await search(`q=${w}&type=events`)).sort()).toEqual([paris.eventId, dakar.eventId].sort());
      expect(ids(await search(`q=${w}&type=events&country=sn`))).toEqual([dakar.eventId]);
      expect(ids(await search(`q=${w}&type=users&country=ML`))).toEqual([person.userId]);
      expect(ids(await search(`q=${w}&city=dakar`))).toEqual([dakar.eventId]);
      expect(ids(await search(`q=${w}&domain=health&type=events`))).toEqual([paris.eventId]);
      expect(ids(await search(`q=${w}&tags=%23summit,health`))).toEqual([tagged.postId]);
      const soon = new Date(Date.now() + 20 * 86_400_000).toISOString();
      expect(ids(await search(`q=${w}&type=events&from=${soon}`))).toEqual([dakar.eventId]);
      expect(ids(await search(`q=${w}&type=events&to=${soon}`))).toEqual([paris.eventId]);
      // Versailles is 17 km from Paris; Dakar is 4,200 km away.
      expect(ids(await search(`q=${w}&near=48.8049,2.1204&radiusKm=25`))).toEqual([paris.eventId]);
      expect(ids(await search(`q=${w}&near=48.8049,2.1204&radiusKm=10`))).toEqual([]);
      const nearby = await search(`near=48.8049,2.1204&radiusKm=25&type=events&q=${w}`);
      expect(nearby.facets.city).toEqual({ Paris: 1 });
    });

    it('never indexes what a member hides: hidden origin is not found by that filter, hidden bio words never match', async () => {
      const w = word();
      const secret = word();
      const hidden = member({ displayName: `${w} Mensah`, originCountry: 'GH' });
      await deliver(service, UserRegistered, hidden);
      await eventually(`q=${w}&country=GH`, (page) => page.total === 1);
      await deliver(service, UserProfileUpdated, {
        ...hidden,
        bio: `I love ${secret}`,
        privacy: { originCountry: 'private', bio: 'connections' },
        changed: ['privacy', 'bio'],
        updatedAt: new Date().toISOString(),
      });
      await eventually(`q=${w}&country=GH`, (page) => page.total === 0);
      const found = await search(`q=${w}`);
      expect(found.items[0]).not.toHaveProperty('originCountry');
      expect(found.items[0]).not.toHaveProperty('bio');
      expect(found.facets.country ?? {}).not.toHaveProperty('GH');
      expect((await search(`q=${secret}`)).total).toBe(0);
    });

    it('applies only newer versions: an older profile arriving late changes nothing', async () => {
      const w = word();
      const someone = member({ displayName: `${w} Newer` });
      const now = Date.now();
      const base = { ...someone, changed: ['displayName'], updatedAt: new Date(now).toISOString() };
      await deliver(service, UserProfileUpdated, base, new Date(now));
      await deliver(service, UserProfileUpdated, { ...base, displayName: `${w} Older` }, new Date(now - 60_000));
      await deliver(service, UserRegistered, { ...someone, displayName: `${w} Oldest` }, new Date(now - 120_000));
      await eventually(`q=${w}`, (page) => page.items[0]?.displayName === `${w} Newer`);
      await new Promise((done) => setTimeout(done, 300));
      expect((await search(`q=${w}`)).items[0]?.displayName).toBe(`${w} Newer`);
    });

    it('a deleted post leaves within 5 s and a late edit does not bring it back; canceled events leave', async () => {
      const w = word();
      const note = post({ text: `${w} soon gone` });
      const gala = event({ title: `${w} gala` });
      await deliver(service, PostPublished, note);
      await deliver(service, EventPublished, gala);
      await eventually(`q=${w}`, (page) => page.total === 2);
      const deletedAt = new Date();
      await deliver(
        service,
        PostDeleted,
        { postId: note.postId, authorId: note.authorId, reason: 'author', at: deletedAt.toISOString() },
        deletedAt,
      );
      await deliver(service, EventCanceled, { ...gala, status: 'canceled' });
      await eventually(`q=${w}`, (page) => page.total === 0);
      await deliver(
        service,
        PostUpdated,
        { ...note, changed: ['text'], editedAt: new Date(deletedAt.getTime() - 1000).toISOString() },
        new Date(deletedAt.getTime() - 1000),
      );
      await new Promise((done) => setTimeout(done, 300));
      expect((await search(`q=${w}`)).total).toBe(0);
    });

    it('held posts leave and restored ones come back', async () => {
      const w = word();
      const note = post({ text: `${w} questionable` });
      await deliver(service, PostPublished, note);
      await eventually(`q=${w}`, (page) => page.total === 1);
      const moderation = {
        targetType: 'post' as const,
        targetId: note.postId,
        postId: note.postId,
        authorId: note.authorId,
        at: new Date().toISOString(),
      };
      await deliver(service, ContentHeld, { ...moderation, score: 0.97, labels: ['hate'], language: 'en' });
      await eventually(`q=${w}`, (page) => page.total === 0);
      await deliver(service, ContentRestored, { ...moderation, moderatorId: newId('usr'), reason: 'fine' });
      await eventually(`q=${w}`, (page) => page.total === 1);
    });

    it('blocked members never appear, in either direction, until unblocked', async () => {
      const w = word();
      const blocked = member({ displayName: `${w} Blocked` });
      const theirPost = post({ text: `${w} from the blocked member`, authorId: blocked.userId });
      await deliver(service, UserRegistered, blocked);
      await deliver(service, PostPublished, theirPost);
      await eventually(`q=${w}`, (page) => page.total === 2);
      const at = new Date();
      await deliver(service, BlockCreated, {
        blockerId: viewer.userId,
        blockedId: blocked.userId,
        at: at.toISOString(),
      });
      await eventually(`q=${w}`, (page) => page.total === 0);
      // The blocked member does not find the one who blocked them either.
      const back = await search(`q=${viewer.displayName.split(' ')[1]}&type=users`, tokenFor(blocked.userId));
      expect(ids(back)).not.toContain(viewer.userId);
      await deliver(service, BlockDeleted, {
        blockerId: viewer.userId,
        blockedId: blocked.userId,
        at: new Date(at.getTime() + 1).toISOString(),
      });
      await eventually(`q=${w}`, (page) => page.total === 2);
    });

    it('shows country and city posts only to members of that country or city', async () => {
      const w = word();
      const cityPost = post({
        text: `${w} for Lyon only`,
        visibility: 'city',
        residenceCountry: 'FR',
        residenceCity: 'Lyon',
      });
      const elsewhere = post({
        text: `${w} for Marseille only`,
        visibility: 'city',
        residenceCountry: 'FR',
        residenceCity: 'Marseille',
      });
      const countryPost = post({ text: `${w} for France`, visibility: 'country', residenceCountry: 'FR' });
      const connections = post({ text: `${w} for connections`, visibility: 'connections' });
      for (const p of [cityPost, elsewhere, countryPost, connections]) await deliver(service, PostPublished, p);
      // The viewer lives in Lyon, France.
      const seen = await eventually(`q=${w}`, (page) => page.total === 2);
      expect(ids(seen).sort()).toEqual([cityPost.postId, countryPost.postId].sort());
      const outsider = member({ residenceCountry: 'SN', residenceCity: 'Dakar' });
      await deliver(service, UserRegistered, outsider);
      await until(async () => (await search(`q=${w}`, tokenFor(outsider.userId))).total === 0, { what: 'outsider' });
    });

    it('ranks members of the viewer’s city and origin first, recent posts and sooner events higher', async () => {
      const w = word();
      const far = member({ displayName: `${w} Same`, residenceCity: 'Berlin', originCountry: 'NG' });
      const local = member({ displayName: `${w} Same`, residenceCity: 'Lyon', originCountry: 'NG' });
      const compatriot = member({ displayName: `${w} Same`, residenceCity: 'Berlin', originCountry: 'CM' });
      for (const m of [far, local, compatriot]) await deliver(service, UserRegistered, m);
      const people = await eventually(`q=${w}&type=users`, (page) => page.total === 3);
      expect(ids(people)).toEqual([local.userId, compatriot.userId, far.userId]);

      const old = post({
        text: `${w} news`,
        createdAt: new Date(Date.now() - 30 * 86_400_000).toISOString(),
        residenceCity: 'Berlin',
        originCountry: 'NG',
      });
      const fresh = post({ text: `${w} news`, residenceCity: 'Berlin', originCountry: 'NG' });
      await deliver(service, PostPublished, old);
      await deliver(service, PostPublished, fresh);
      const posts = await eventually(`q=${w}&type=posts`, (page) => page.total === 2);
      expect(ids(posts)).toEqual([fresh.postId, old.postId]);

      const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);
      const later = event({
        title: `${w} fair`,
        city: 'Berlin',
        country: 'DE',
        startsAt: inDays(60).toISOString(),
        endsAt: inDays(61).toISOString(),
      });
      const sooner = event({
        title: `${w} fair`,
        city: 'Berlin',
        country: 'DE',
        startsAt: inDays(2).toISOString(),
        endsAt: inDays(3).toISOString(),
      });
      await deliver(service, EventPublished, later);
      await deliver(service, EventPublished, sooner);
      const events = await eventually(`q=${w}&type=events`, (page) => page.total === 2);
      expect(ids(events)).toEqual([sooner.eventId, later.eventId]);
    });

    it('pages with signed cursors, without overlap', async () => {
      const w = word();
      for (let i = 0; i < 5; i++) await deliver(service, PostPublished, post({ text: `${w} number ${i}` }));
      const first = await eventually(`q=${w}&limit=2`, (page) => page.total === 5);
      const cursor = first.nextCursor as string;
      const second = await search(`q=${w}&limit=2&cursor=${encodeURIComponent(cursor)}`);
      const third = await search(`q=${w}&limit=2&cursor=${encodeURIComponent(second.nextCursor as string)}`);
      expect(third.nextCursor).toBeNull();
      expect(new Set([...ids(first), ...ids(second), ...ids(third)]).size).toBe(5);
    });

    it('suggests member names and event titles as one types', async () => {
      const w = word();
      const person = member({ displayName: `Zainab ${w}` });
      const meetup = event({ title: `${w}fest annual` });
      await deliver(service, UserRegistered, person);
      await deliver(service, EventPublished, meetup);
      const suggest = async (q: string) => {
        const response = await service.app.inject({
          method: 'GET',
          url: `/api/v1/search/suggest?q=${encodeURIComponent(q)}`,
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.statusCode).toBe(200);
        return response.json().items as Array<{ type: string; id: string; text: string }>;
      };
      await until(async () => (await suggest(w.slice(0, 5))).length === 2, { what: 'suggestions' });
      expect((await suggest(`zainab ${w.slice(0, 4)}`)).map((s) => s.id)).toEqual([person.userId]);
    });

    it('erases a deleted member’s documents', async () => {
      const w = word();
      const leaving = member({ displayName: `${w} Leaving` });
      await deliver(service, UserRegistered, leaving);
      await deliver(service, PostPublished, post({ text: `${w} my post`, authorId: leaving.userId }));
      await eventually(`q=${w}`, (page) => page.total === 2);
      await deliver(service, UserDeleted, { userId: leaving.userId, deletedAt: new Date().toISOString() });
      await eventually(`q=${w}`, (page) => page.total === 0);
    });
  });
}
