import { UserDeleted } from '@diaspora/events';
import { commonV1, createClient } from '@diaspora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, member, publish, startIntegration } from '../fixtures.js';

const BASE = '/api/v1/integrations/calendar';

describe('personal data (GDPR)', () => {
  const leaving = member();
  let ctx: Awaited<ReturnType<typeof startIntegration>>;
  beforeAll(async () => {
    ctx = await startIntegration([leaving], {}, { listen: true });
  });
  afterAll(async () => ctx?.close());

  it("exports a member's calendar connections without credentials, and erases them on users.user.deleted", async () => {
    // The local Google provider: consent is simulated, so a connection exists without any provider.
    const started = await ctx.app.inject({ url: `${BASE}/google/connect`, headers: bearer(leaving) });
    const location = new URL(started.headers.location as string);
    expect((await ctx.app.inject({ url: `${location.pathname}${location.search}` })).statusCode).toBe(200);

    const userData = createClient(commonV1.UserData, ctx.service.addresses!.grpcAddress, {
      deadlineMs: 2000,
      target: 'integration',
    });
    const answer = await userData.exportUserData({ userId: leaving.id });
    userData.close();
    expect(answer.service).toBe('integration');
    const exported = JSON.parse(answer.json);
    expect(exported.calendarConnections).toEqual([expect.objectContaining({ provider: 'google', status: 'active' })]);
    expect(answer.json).not.toMatch(/credentials|ciphertext|wrappedKey/);
    const { rows } = await ctx.service.context.db.query('SELECT user_id FROM calendar_connections');
    expect(rows).toEqual([{ user_id: leaving.id }]);

    await publish(ctx.service, UserDeleted, { userId: leaving.id, deletedAt: new Date().toISOString() });
    const deadline = Date.now() + 5000;
    let remaining = 1;
    while (remaining > 0 && Date.now() < deadline) {
      remaining = (await ctx.service.context.db.query('SELECT 1 FROM calendar_connections')).rows.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(remaining).toBe(0);
  });
});
