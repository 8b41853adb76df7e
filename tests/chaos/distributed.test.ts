import { describe, expect, inject, it } from 'vitest';
import { attach, member, ready, servers, waitFor } from './platform.js';

const platform = attach(inject('platform'));

const post = (text: string) => ({ text, language: 'en', visibility: 'public', domain: 'education' });

describe('npm run start:distributed', () => {
  it('runs every service as its own process, messaging and content twice, each ready', async () => {
    const ids = platform.processes().map((p) => p.id);
    expect(ids).toEqual(
      expect.arrayContaining(['user', 'event', 'content', 'content-2', 'messaging', 'messaging-2', 'gateway']),
    );
    const pids = new Set(platform.processes().map((p) => p.pid));
    expect(pids.size).toBe(ids.length);
    for (const p of platform.processes().filter((p) => p.id !== 'gateway')) expect(await ready(p.http)).toBe(true);
  });

  it('serves the API through the gateway: register, then posts written and read back', async () => {
    const alice = await member(platform.gatewayUrl, 'alice');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await alice.call('POST', '/api/v1/content/posts', post(`distributed ${i}`));
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as { id: string }).id);
    }
    for (const id of ids) expect((await alice.call('GET', `/api/v1/content/posts/${id}`)).status).toBe(200);
  });

  it('kill -9 of one content instance: no request fails (the other instance takes them), and it is restarted', async () => {
    const alice = await member(platform.gatewayUrl, 'kill');
    const victim = platform.process('content');
    process.kill(victim.pid, 'SIGKILL');
    const acknowledged: string[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await alice.call('POST', '/api/v1/content/posts', post(`after kill ${i}`));
      expect(response.status).toBe(201);
      acknowledged.push(((await response.json()) as { id: string }).id);
    }
    const restarted = await waitFor('the killed instance to come back', async () => {
      const now = platform.process('content');
      return now.pid !== victim.pid && (await ready(now.http)) && now;
    });
    expect(restarted.http).toBe(victim.http);
    for (const id of acknowledged) expect((await alice.call('GET', `/api/v1/content/posts/${id}`)).status).toBe(200);
  });

  it('PostgreSQL restarted: 503 problems during the gap, then recovery', async () => {
    const alice = await member(platform.gatewayUrl, 'pg');
    servers('stop', 'postgres');
    let during: Response;
    try {
      during = await alice.call('POST', '/api/v1/content/posts', post('during the gap'));
    } finally {
      servers('start', 'postgres');
    }
    expect(during.status).toBe(503);
    expect(during.headers.get('content-type')).toContain('application/problem+json');
    await waitFor('writes to succeed again', async () => {
      const response = await alice.call('POST', '/api/v1/content/posts', post('after the gap'));
      return response.status === 201;
    });
  });
});
