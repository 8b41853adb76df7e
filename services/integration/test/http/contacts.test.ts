import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, member, startIntegration } from '../fixtures.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const URL = '/api/v1/integrations/contacts/import';

const findable = member({ email: 'Awa.Diop@example.org', phone: '+221770000001', findableByPhone: true });
const hiddenByEmail = member({ email: 'hidden@example.org', findableByEmail: false });
const phoneOnly = member({ phone: '+33600000002' }); // phones are off by default
const viewer = member({ email: 'viewer@example.org' });

describe('contact discovery', () => {
  let ctx: Awaited<ReturnType<typeof startIntegration>>;
  beforeAll(async () => {
    ctx = await startIntegration([findable, hiddenByEmail, phoneOnly, viewer]);
  });
  afterAll(async () => ctx?.close());

  const post = (payload: object, who = viewer) =>
    ctx.app.inject({ method: 'POST', url: URL, headers: bearer(who), payload });

  it('finds members whose privacy lets them be found by that contact, and only those', async () => {
    const response = await post({
      emailHashes: [
        sha('awa.diop@example.org'),
        sha('hidden@example.org'),
        sha('viewer@example.org'),
        sha('nobody@example.org'),
      ],
      phoneHashes: [sha('+221770000001'), sha('+33600000002')],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().matches).toEqual([{ userId: findable.id, displayName: findable.user.displayName }]);
  });

  it('answers 400 for malformed hashes or an empty request, and 401 without a token', async () => {
    const bad = await post({ emailHashes: ['not-a-hash', sha('x')] });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors).toEqual([{ field: '/emailHashes/0', message: expect.any(String) }]);
    expect(bad.body).not.toContain('not-a-hash');
    expect((await post({ phoneHashes: ['g'.repeat(64)] })).statusCode).toBe(400);
    expect((await post({})).statusCode).toBe(400);
    expect((await post({ emailHashes: Array(1001).fill(sha('x')) })).statusCode).toBe(400);
    expect((await ctx.app.inject({ method: 'POST', url: URL, payload: { emailHashes: [sha('x')] } })).statusCode).toBe(
      401,
    );
  });

  it('stores no hashes', async () => {
    const hash = sha('awa.diop@example.org');
    await post({ emailHashes: [hash] });
    const { rows } = await ctx.service.context.db.query(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const tables = [...new Set(rows.map((r) => r.table_name as string))];
    for (const table of tables) {
      const { rows: found } = await ctx.service.context.db.query(
        `SELECT 1 FROM ${table} WHERE ${table}::text LIKE $1 LIMIT 1`,
        [`%${hash}%`],
      );
      expect(found, table).toEqual([]);
    }
  });
});
