import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, register, startUserService, type UserTestService } from '../fixtures.js';

let service: UserTestService;
beforeAll(async () => {
  service = await startUserService();
});
afterAll(() => service?.close());

describe('GET /profile in one round trip', () => {
  it("carries the member's own fields, roles and graph counts as they are now", async () => {
    const [a, b, c] = [await register(service.app), await register(service.app), await register(service.app)];
    const counts = async () => (await call(service.app, 'GET', '/profile', a.accessToken)).json().counts;
    expect(await counts()).toEqual({ followers: 0, following: 0, connections: 0 });

    for (const follower of [b, c]) {
      expect((await call(service.app, 'POST', `/${a.user.id}/follow`, follower.accessToken)).statusCode).toBe(204);
    }
    expect((await call(service.app, 'POST', `/${b.user.id}/follow`, a.accessToken)).statusCode).toBe(204);
    await connect(service.app, a, c);
    const own = await call(service.app, 'GET', '/profile', a.accessToken);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({
      id: a.user.id,
      email: a.user.email,
      roles: ['regular'],
      counts: { followers: 2, following: 1, connections: 1 },
    });
    // Another member's counts are theirs, not the reader's.
    expect((await call(service.app, 'GET', '/profile', b.accessToken)).json().counts).toEqual({
      followers: 1,
      following: 1,
      connections: 0,
    });
  });

  it('answers 404 once the account is erased, even with a token that is still valid', async () => {
    const member = await register(service.app);
    await service.context.db.query('UPDATE users SET deleted_at = now() WHERE id = $1', [member.user.id]);
    const gone = await call(service.app, 'GET', '/profile', member.accessToken);
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toContain('application/problem+json');
  });
});
