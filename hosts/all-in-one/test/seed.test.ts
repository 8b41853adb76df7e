import { DiasporaClient } from '@diaspora/sdk';
import { seed } from '@diaspora/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPlatform } from './fixtures.js';

const superUser = { email: 'super@seed.example.org', password: 'Kilimanjaro tram 9 lanterns' };
const platform = testPlatform('seed', {
  env: { SUPERUSER_EMAIL: superUser.email, SUPERUSER_PASSWORD: superUser.password },
});
beforeAll(() => platform.boot(), 120_000);
afterAll(() => platform.dispose(), 60_000);

describe('npm run seed against the all-in-one platform, checked through the SDK', () => {
  it('makes a community whose printed credentials work, with events and posts in the member’s feed; a second run adds nothing', async () => {
    const options = { members: 14, seed: 5, concurrency: 4, superUser, quiet: true };
    const first = await seed(platform.gatewayUrl, options);
    expect(first.alreadySeeded).toBe(false);
    expect(first.timings.map((t) => t.stage)).toEqual(
      expect.arrayContaining(['members', 'roles', 'events', 'registrations', 'posts', 'check-ins', 'ratings']),
    );
    const count = (stage: string) => first.timings.find((t) => t.stage === stage)?.count ?? 0;
    // The live meetups are held during the run: some of their attendees checked in and rated them.
    expect(count('check-ins')).toBeGreaterThan(0);
    expect(count('ratings')).toBe(count('check-ins'));
    const byRole = Object.fromEntries(first.credentials.map((c) => [c.role, c]));

    const member = new DiasporaClient({ baseUrl: platform.gatewayUrl });
    const me = await member.login(byRole.member!.email, byRole.member!.password);
    const events = await member.api.GET('/api/v1/content/feed', { params: { query: { section: 'events' } } });
    expect(events.response.status).toBe(200);
    expect(JSON.stringify(events.data)).toContain(me.residenceCity as string);
    const posts = await member.api.GET('/api/v1/content/feed', { params: { query: { section: 'posts' } } });
    expect((posts.data as { items: unknown[] }).items.length).toBeGreaterThan(0);

    const ambassador = new DiasporaClient({ baseUrl: platform.gatewayUrl });
    expect((await ambassador.login(byRole.ambassador!.email, byRole.ambassador!.password)).roles).toContain(
      'ambassador',
    );
    const consul = new DiasporaClient({ baseUrl: platform.gatewayUrl });
    expect((await consul.login(byRole.consul!.email, byRole.consul!.password)).roles).toContain('consul');

    const again = await seed(platform.gatewayUrl, options);
    expect(again.alreadySeeded).toBe(true);
    expect(again.credentials).toEqual(first.credentials);
  }, 240_000);
});
