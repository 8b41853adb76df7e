import { UserDeleted } from '@diaspora/events';
import {
  buildEnvelope,
  createClient,
  createUnitOfWork,
  defineService,
  encodeEnvelope,
  every,
  idempotencyMigrations,
  type Queryable,
  type Service,
  type ServiceDescriptor,
  userData,
} from '@diaspora/service-kit';
import { startTestService, until } from '@diaspora/testing';
import { Type } from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';

class Notes {
  constructor(private readonly q: Queryable) {}
  async forUser(userId: string) {
    return (await this.q.query<{ text: string }>('SELECT text FROM notes WHERE user_id = $1', [userId])).rows;
  }
  async eraseUser(userId: string) {
    await this.q.query('DELETE FROM notes WHERE user_id = $1', [userId]);
  }
}

const erasures: string[] = [];
let choreRuns = 0;

/** A service as the template shapes it: stores in a unit of work, a GDPR part, a chore. */
const notesService = defineService({
  name: 'notes',
  openapi: { title: 'Notes', description: 'test service', version: '1.0.0' },
  config: { NOTE_LIMIT: Type.Integer({ default: 3 }) },
  migrations: [
    ...idempotencyMigrations,
    { id: 'notes', up: 'CREATE TABLE notes (user_id text, text text)', down: 'DROP TABLE notes' },
  ],
  async setup({ db, outbox }) {
    const uow = createUnitOfWork(db, outbox, (q) => ({ notes: new Notes(q) }));
    return {
      async routes() {},
      userData: userData(uow, {
        export: async (userId) => ({ notes: await uow.read.notes.forUser(userId) }),
        erase: async (scope, userId) => {
          erasures.push(userId);
          await scope.notes.eraseUser(userId);
        },
      }),
      chores: [every('count runs', 60_000, async () => choreRuns++)],
    };
  },
});

interface UserDataClient {
  exportUserData(request: { userId: string }): Promise<{ service: string; json: string }>;
  close(): void;
}
const USER_DATA: ServiceDescriptor<UserDataClient, unknown> = {
  fullName: 'diaspora.common.v1.UserData',
  file: 'common/v1/user_data.proto',
  methods: ['exportUserData'],
};

describe('service parts the kit serves', () => {
  let service: Service | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('serves common.v1.UserData from the userData part', async () => {
    service = await startTestService(notesService, { listen: true });
    await service.context.db.query("INSERT INTO notes VALUES ('usr_a', 'hello'), ('usr_b', 'other')");
    const client = createClient(USER_DATA, service.addresses!.grpcAddress, { deadlineMs: 2000 });
    try {
      const answer = await client.exportUserData({ userId: 'usr_a' });
      expect(answer.service).toBe('notes');
      expect(JSON.parse(answer.json)).toEqual({ notes: [{ text: 'hello' }] });
      await expect(client.exportUserData({ userId: '' })).rejects.toMatchObject({ details: 'user_id is required' });
    } finally {
      client.close();
    }
  });

  it('erases on users.user.deleted once per event, in the consumer transaction', async () => {
    service = await startTestService(notesService);
    const { db, bus } = service.context;
    await db.query("INSERT INTO notes VALUES ('usr_gone', 'bye'), ('usr_kept', 'stay')");
    const envelope = buildEnvelope('user', UserDeleted, { userId: 'usr_gone', deletedAt: new Date().toISOString() });
    const message = { id: envelope.id, subject: envelope.subject, data: encodeEnvelope(envelope) };
    erasures.length = 0;
    await bus.publish(message);
    await until(async () => erasures.length === 1);
    // A redelivery (new broker message id, same event) changes nothing.
    await bus.publish({ ...message, id: `${envelope.id}-again` });
    await until(async () => (await db.query('SELECT 1 FROM processed_events')).rowCount === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(erasures).toEqual(['usr_gone']);
    expect((await db.query('SELECT user_id FROM notes')).rows).toEqual([{ user_id: 'usr_kept' }]);
  });

  it('runs the service chores and the idempotency purge the kit adds', async () => {
    service = await startTestService(notesService, { workers: false });
    const { db } = service.context;
    choreRuns = 0;
    await db.query(
      `INSERT INTO idempotency_keys (principal, key, request_hash, state, expires_at)
       VALUES ('p', 'expired', 'h', 'completed', now() - interval '1 minute'),
              ('p', 'live', 'h', 'completed', now() + interval '1 hour')`,
    );
    await service.startWorkers();
    await until(async () => choreRuns > 0);
    await until(async () => (await db.query('SELECT key FROM idempotency_keys')).rowCount === 1);
    expect((await db.query('SELECT key FROM idempotency_keys')).rows).toEqual([{ key: 'live' }]);
  });
});
