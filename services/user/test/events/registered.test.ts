import { collectPublished, freshDatabase, until } from '@diaspora/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { register, startUserService, type UserTestService } from '../fixtures.js';

const started: UserTestService[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((service) => service.close()));
});

describe('users.user.registered', () => {
  it('reaches the bus through the outbox with the community fields and no contact data', async () => {
    const service = await startUserService();
    started.push(service);
    const received = await collectPublished(service, 'users.user.registered');
    const session = await register(service.app, {
      originCountry: 'CM',
      residenceCountry: 'DE',
      residenceCity: 'Berlin',
    });
    const envelope = await until(() =>
      received.find((event) => (event.data as { userId: string }).userId === session.user.id),
    );
    expect(envelope).toMatchObject({
      subject: 'users.user.registered',
      v: 1,
      source: 'user',
      data: { originCountry: 'CM', residenceCountry: 'DE', residenceCity: 'Berlin', languages: ['fr', 'wo'] },
    });
    expect(envelope.id).toMatch(/^evt_/);
    expect(JSON.stringify(envelope)).not.toContain(session.user.email);
  });

  it('survives a process that dies after commit and before publishing', async () => {
    const databaseUrl = await freshDatabase();
    const busUrl = `memory://crash-${Math.random().toString(36).slice(2)}`;
    // First process: commits registrations but never runs its relay, then goes away.
    const doomed = await startUserService({ workers: false, env: { DATABASE_URL: databaseUrl, BUS_URL: busUrl } });
    const sessions = [await register(doomed.app), await register(doomed.app)];
    const { rows } = await doomed.context.db.query(
      "SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND subject = 'users.user.registered'",
    );
    expect(rows[0]!.n).toBe(2);
    await doomed.close();

    // Second process on the same database: its relay publishes what the first one left behind.
    const successor = await startUserService({ workers: false, env: { DATABASE_URL: databaseUrl, BUS_URL: busUrl } });
    started.push(successor);
    const received = await collectPublished(successor, 'users.user.registered');
    await successor.startWorkers();
    await until(() => (received.length >= 2 ? received : undefined));
    expect(received.map((event) => (event.data as { userId: string }).userId).sort()).toEqual(
      sessions.map((session) => session.user.id).sort(),
    );
  });
});
