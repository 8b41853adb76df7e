import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Api, ApiError, must } from '../src/api.js';
import { CITIES, leaders, ORIGIN_CODES, planMember } from '../src/world.js';

const community = (seed: number, size: number) => Array.from({ length: size }, (_, i) => planMember(seed, i));

describe('the planned community', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(community(42, 50)).toEqual(community(42, 50));
    expect(community(43, 50).map((m) => m.displayName)).not.toEqual(community(42, 50).map((m) => m.displayName));
  });

  it('has every origin living in every city, with unique emails', () => {
    const members = community(42, 200);
    for (const origin of ORIGIN_CODES)
      for (const city of CITIES)
        expect(
          members.some((m) => m.origin === origin && m.city === city),
          `${origin} in ${city.name}`,
        ).toBe(true);
    expect(new Set(members.map((m) => m.email)).size).toBe(200);
    expect(members.every((m) => m.languages.length >= 1 && m.domains.length >= 1)).toBe(true);
  });

  it('appoints one ambassador per country of residence and one consul per city, never the same person', () => {
    const { ambassadors, consuls } = leaders(community(42, 200));
    expect(ambassadors.map((a) => a.country).sort()).toEqual(['CA', 'DE', 'FR', 'GB']);
    expect(consuls.map((c) => c.city.name).sort()).toEqual(CITIES.map((c) => c.name).sort());
    const ambassadorIds = new Set(ambassadors.map((a) => a.member.index));
    expect(consuls.some((c) => ambassadorIds.has(c.member.index))).toBe(false);
    for (const { member, city } of consuls) expect(member.city).toBe(city);
  });
});

describe('the seed client (the SDK, one address per member)', () => {
  it('waits out a 429 as Retry-After says, sends each member from its own address, and names a refusal', async () => {
    const seen: string[] = [];
    let calls = 0;
    const server = createServer((request, response) => {
      seen.push(String(request.headers['x-forwarded-for']));
      calls++;
      if (request.url === '/api/v1/users/profile' && calls === 1) {
        response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/problem+json' });
        response.end('{"title":"Too Many Requests"}');
      } else if (request.url === '/api/v1/payments/plans') {
        response.writeHead(403, { 'content-type': 'application/problem+json' });
        response.end('{"detail":"Only ambassadors create national events."}');
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const api = new Api(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const started = Date.now();
      const member = api.sdk(300);
      expect((await must(member.api.GET('/api/v1/users/profile'))).data).toEqual({ ok: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(api.throttled).toBe(1);
      expect(seen).toEqual(['198.18.1.44', '198.18.1.44']);
      await expect(must(member.api.GET('/api/v1/payments/plans'))).rejects.toThrow(
        new ApiError('/api/v1/payments/plans', 403, { detail: 'Only ambassadors create national events.' }),
      );
      expect((await must(member.api.GET('/api/v1/payments/plans'), [403])).status).toBe(403);
    } finally {
      server.close();
    }
  });
});
