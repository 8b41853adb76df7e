import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  connect,
  outboxEvents,
  register,
  type Session,
  startUserService,
  type UserTestService,
} from '../fixtures.js';

let service: UserTestService;
beforeAll(async () => {
  service = await startUserService();
});
afterAll(() => service?.close());

const UNKNOWN = 'usr_00000000000000000000000000';
type Member = Session & { password: string };
/** n fresh members (typed as five, so destructuring needs no checks; ask only for what you use). */
const members = async (n: number) =>
  (await Promise.all(Array.from({ length: n }, () => register(service.app)))) as [
    Member,
    Member,
    Member,
    Member,
    Member,
  ];
const idsOf = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);

describe('follow / unfollow', () => {
  it('follows once however often it is asked: one row, one event, 204 each time', async () => {
    const [a, b] = await members(2);
    for (let i = 0; i < 3; i++) {
      expect((await call(service.app, 'POST', `/${b.user.id}/follow`, a.accessToken)).statusCode).toBe(204);
    }
    const { rows } = await service.context.db.query('SELECT count(*)::int AS n FROM follows WHERE followee_id = $1', [
      b.user.id,
    ]);
    expect(rows[0]!.n).toBe(1);
    const created = (
      await outboxEvents<{ followerId: string; followeeId: string }>(service, 'users.follow.created')
    ).filter((event) => event.followeeId === b.user.id);
    expect(created).toEqual([expect.objectContaining({ followerId: a.user.id, followeeId: b.user.id })]);

    const followers = await call(service.app, 'GET', `/${b.user.id}/followers`, a.accessToken);
    expect(idsOf(followers.json())).toEqual([a.user.id]);
    expect((await call(service.app, 'GET', `/${b.user.id}`, a.accessToken)).json()).toMatchObject({
      counts: { followers: 1, following: 0, connections: 0 },
      relationship: { following: true, followedBy: false },
    });

    for (let i = 0; i < 2; i++) {
      expect((await call(service.app, 'DELETE', `/${b.user.id}/follow`, a.accessToken)).statusCode).toBe(204);
    }
    expect(idsOf((await call(service.app, 'GET', `/${b.user.id}/followers`, a.accessToken)).json())).toEqual([]);
    const deleted = (await outboxEvents<{ followeeId: string }>(service, 'users.follow.deleted')).filter(
      (event) => event.followeeId === b.user.id,
    );
    expect(deleted).toHaveLength(1);
  });

  it('refuses yourself (400), unknown members (404), malformed ids (400) and missing tokens (401)', async () => {
    const [a] = await members(1);
    const self = await call(service.app, 'POST', `/${a.user.id}/follow`, a.accessToken);
    expect(self.statusCode).toBe(400);
    expect(self.headers['content-type']).toContain('application/problem+json');
    expect((await call(service.app, 'POST', `/${UNKNOWN}/follow`, a.accessToken)).statusCode).toBe(404);
    expect((await call(service.app, 'POST', '/not-an-id/follow', a.accessToken)).statusCode).toBe(400);
    expect((await call(service.app, 'POST', `/${a.user.id}/follow`)).statusCode).toBe(401);
  });

  it('pages followers and following with cursors', async () => {
    const [star, ...fans] = await members(5);
    for (const fan of fans) await call(service.app, 'POST', `/${star!.user.id}/follow`, fan.accessToken);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call(service.app, 'GET', `/${star!.user.id}/followers${query}`, star!.accessToken);
      expect(page.statusCode).toBe(200);
      seen.push(...idsOf(page.json()));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual(fans.map((fan) => fan.user.id).sort());
    const following = await call(service.app, 'GET', `/${fans[0]!.user.id}/following`, star!.accessToken);
    expect(idsOf(following.json())).toEqual([star!.user.id]);

    const bad = await call(service.app, 'GET', `/${star!.user.id}/followers?cursor=bm90LW91cnM`, star!.accessToken);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().type).toMatch(/invalid-cursor$/);
    expect(
      (await call(service.app, 'GET', `/${star!.user.id}/followers?limit=101`, star!.accessToken)).statusCode,
    ).toBe(400);
    expect((await call(service.app, 'GET', `/${UNKNOWN}/followers`, star!.accessToken)).statusCode).toBe(404);
  });
});

describe('connection requests', () => {
  const ask = (from: Session, to: Session) =>
    call(service.app, 'POST', '/connections', from.accessToken, { userId: to.user.id });

  it('send → accept connects both, with events; the lists and counts follow', async () => {
    const [a, b] = await members(2);
    const sent = await ask(a, b);
    expect(sent.statusCode).toBe(201);
    expect(sent.json()).toMatchObject({ fromUserId: a.user.id, toUserId: b.user.id, status: 'pending' });
    const again = await ask(a, b);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(sent.json().id);

    const incoming = await call(service.app, 'GET', '/connections/requests', b.accessToken);
    expect(incoming.json().items).toEqual([
      expect.objectContaining({ id: sent.json().id, user: expect.objectContaining({ id: a.user.id }) }),
    ]);
    expect((await call(service.app, 'GET', '/connections/requests?direction=sideways', b.accessToken)).statusCode).toBe(
      400,
    );
    const outgoing = await call(service.app, 'GET', '/connections/requests?direction=outgoing', a.accessToken);
    expect(outgoing.json().items.map((r: { id: string }) => r.id)).toEqual([sent.json().id]);

    const accepted = await call(service.app, 'POST', `/connections/${sent.json().id}/accept`, b.accessToken);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().status).toBe('accepted');
    expect(idsOf((await call(service.app, 'GET', '/connections', a.accessToken)).json())).toEqual([b.user.id]);
    expect(idsOf((await call(service.app, 'GET', '/connections', b.accessToken)).json())).toEqual([a.user.id]);
    expect((await ask(b, a)).statusCode).toBe(409);

    const requested = await outboxEvents<{ requestId: string }>(service, 'users.connection.requested');
    const acceptedEvents = await outboxEvents<{ requestId: string }>(service, 'users.connection.accepted');
    expect(requested.filter((e) => e.requestId === sent.json().id)).toHaveLength(1);
    expect(acceptedEvents.filter((e) => e.requestId === sent.json().id)).toHaveLength(1);
  });

  it('asking someone who already asked you accepts their request', async () => {
    const [a, b] = await members(2);
    const first = (await ask(a, b)).json();
    const crossed = await ask(b, a);
    expect(crossed.statusCode).toBe(200);
    expect(crossed.json()).toMatchObject({ id: first.id, status: 'accepted' });
    expect(idsOf((await call(service.app, 'GET', '/connections', a.accessToken)).json())).toEqual([b.user.id]);
  });

  it('only the right party decides: 404 for outsiders, 403 for the wrong side, 409 once decided', async () => {
    const [a, b, outsider] = await members(3);
    const { id } = (await ask(a, b)).json();
    expect((await call(service.app, 'POST', `/connections/${id}/accept`, outsider!.accessToken)).statusCode).toBe(404);
    expect((await call(service.app, 'POST', `/connections/${id}/accept`, a.accessToken)).statusCode).toBe(403);
    expect((await call(service.app, 'POST', `/connections/${id}/cancel`, b.accessToken)).statusCode).toBe(403);
    const declined = await call(service.app, 'POST', `/connections/${id}/decline`, b.accessToken);
    expect(declined.json().status).toBe('declined');
    expect((await call(service.app, 'POST', `/connections/${id}/accept`, b.accessToken)).statusCode).toBe(409);
    expect(
      (await outboxEvents<{ requestId: string }>(service, 'users.connection.declined')).map((e) => e.requestId),
    ).toContain(id);

    const second = (await ask(a, b)).json();
    const canceled = await call(service.app, 'POST', `/connections/${second.id}/cancel`, a.accessToken);
    expect(canceled.json().status).toBe('canceled');
    expect(
      (await outboxEvents<{ requestId: string }>(service, 'users.connection.canceled')).map((e) => e.requestId),
    ).toContain(second.id);
    expect(
      (await call(service.app, 'POST', '/connections/cnr_00000000000000000000000000/accept', b.accessToken)).statusCode,
    ).toBe(404);
    expect((await ask(a, a)).statusCode).toBe(400);
    expect((await call(service.app, 'POST', '/connections', a.accessToken, { userId: UNKNOWN })).statusCode).toBe(404);
  });

  it('removing a connection ends it for both, once', async () => {
    const [a, b] = await members(2);
    await connect(service.app, a, b);
    expect((await call(service.app, 'DELETE', `/connections/${a.user.id}`, b.accessToken)).statusCode).toBe(204);
    expect((await call(service.app, 'DELETE', `/connections/${a.user.id}`, b.accessToken)).statusCode).toBe(204);
    expect(idsOf((await call(service.app, 'GET', '/connections', a.accessToken)).json())).toEqual([]);
    const removed = (await outboxEvents<{ userIds: string[] }>(service, 'users.connection.removed')).filter((e) =>
      e.userIds.includes(a.user.id),
    );
    expect(removed).toHaveLength(1);
  });
});

describe('block', () => {
  it('ends follows both ways, the connection and pending requests; hides the members from each other', async () => {
    const [a, b, c] = await members(3);
    await call(service.app, 'POST', `/${b.user.id}/follow`, a.accessToken);
    await call(service.app, 'POST', `/${a.user.id}/follow`, b.accessToken);
    await connect(service.app, a, b);
    const pending = (await call(service.app, 'POST', '/connections', c.accessToken, { userId: a.user.id })).json();

    expect((await call(service.app, 'POST', `/${b.user.id}/block`, a.accessToken)).statusCode).toBe(204);
    expect((await call(service.app, 'POST', `/${b.user.id}/block`, a.accessToken)).statusCode).toBe(204);
    expect((await call(service.app, 'GET', `/${b.user.id}`, a.accessToken)).statusCode).toBe(404);
    expect((await call(service.app, 'GET', `/${a.user.id}`, b.accessToken)).statusCode).toBe(404);
    expect((await call(service.app, 'GET', `/${a.user.id}/followers`, b.accessToken)).statusCode).toBe(404);
    expect((await call(service.app, 'POST', `/${a.user.id}/follow`, b.accessToken)).statusCode).toBe(403);
    expect((await call(service.app, 'POST', '/connections', b.accessToken, { userId: a.user.id })).statusCode).toBe(
      403,
    );
    expect(idsOf((await call(service.app, 'GET', '/connections', a.accessToken)).json())).toEqual([]);
    expect(idsOf((await call(service.app, 'GET', '/me/blocks', a.accessToken)).json())).toEqual([b.user.id]);
    // C's request to A is unaffected by A blocking B.
    expect(
      (await call(service.app, 'GET', '/connections/requests', a.accessToken))
        .json()
        .items.map((r: { id: string }) => r.id),
    ).toEqual([pending.id]);

    const deletedFollows = (
      await outboxEvents<{ followerId: string; followeeId: string }>(service, 'users.follow.deleted')
    ).filter((e) => [e.followerId, e.followeeId].sort().join() === [a.user.id, b.user.id].sort().join());
    expect(deletedFollows).toHaveLength(2);
    expect(
      (await outboxEvents<{ blockerId: string }>(service, 'users.block.created')).filter(
        (e) => e.blockerId === a.user.id,
      ),
    ).toHaveLength(1);

    expect((await call(service.app, 'DELETE', `/${b.user.id}/block`, a.accessToken)).statusCode).toBe(204);
    expect((await call(service.app, 'GET', `/${b.user.id}`, a.accessToken)).statusCode).toBe(200);
    expect(
      (await outboxEvents<{ blockerId: string }>(service, 'users.block.deleted')).filter(
        (e) => e.blockerId === a.user.id,
      ),
    ).toHaveLength(1);
  });

  it('drops a pending request between the two', async () => {
    const [a, b] = await members(2);
    const { id } = (await call(service.app, 'POST', '/connections', b.accessToken, { userId: a.user.id })).json();
    await call(service.app, 'POST', `/${b.user.id}/block`, a.accessToken);
    expect((await call(service.app, 'GET', '/connections/requests', a.accessToken)).json().items).toEqual([]);
    expect(
      (await outboxEvents<{ requestId: string }>(service, 'users.connection.canceled')).map((e) => e.requestId),
    ).toContain(id);
    expect((await call(service.app, 'POST', `/${a.user.id}/block`, a.accessToken)).statusCode).toBe(400);
    expect((await call(service.app, 'POST', `/${UNKNOWN}/block`, a.accessToken)).statusCode).toBe(404);
  });
});
