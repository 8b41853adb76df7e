import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Member, member, startContent } from '../fixtures.js';

const author = member({ residenceCountry: 'FR', residenceCity: 'Lyon' });
const serving = member({}, { roles: ['regular', 'ambassador'], country: 'FR' });
// The token still says ambassador of France; the user service no longer holds the appointment.
const former = member({ roles: ['regular'], assignments: [] }, { roles: ['regular', 'ambassador'], country: 'FR' });

let ctx: Awaited<ReturnType<typeof startContent>>;
beforeAll(async () => {
  ctx = await startContent([author, serving, former]);
});
afterAll(() => ctx?.close());

const call = (method: 'GET' | 'POST', url: string, who: Member, payload?: object) =>
  ctx.app.inject({ method, url, headers: bearer(who), ...(payload ? { payload } : {}) });

describe('moderation asks the user service for the moderator’s current roles', () => {
  it('refuses a moderator whose appointment was revoked, even with a token that still claims it', async () => {
    const created = await call('POST', '/api/v1/content/posts', author, { text: 'hello Lyon', visibility: 'public' });
    expect(created.statusCode).toBe(201);
    const takedown = { action: 'takedown', targetType: 'post', targetId: created.json().id, reason: 'spam' };
    expect((await call('POST', '/api/v1/content/moderation/actions', former, takedown)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/content/moderation/queue', former)).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/content/moderation/actions', serving, takedown)).statusCode).toBe(200);
  });
});
