import { defineEvent } from '@diaspora/events';
import { freshDatabase } from '@diaspora/testing';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, type Queryable } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrations.js';
import { kitMigrations, Outbox } from '../../src/events/outbox.js';
import { createUnitOfWork } from '../../src/store/unit-of-work.js';

const NoteWritten = defineEvent({
  subject: 'tests.note.written',
  version: 1,
  description: 'test event',
  schema: Type.Object({ text: Type.String() }),
});

/** The smallest store: it only knows the queryable it was built over. */
class Notes {
  constructor(private readonly q: Queryable) {}
  async add(text: string) {
    await this.q.query('INSERT INTO notes (text) VALUES ($1)', [text]);
  }
  async all(): Promise<string[]> {
    const { rows } = await this.q.query<{ text: string }>('SELECT text FROM notes ORDER BY text');
    return rows.map((row) => row.text);
  }
}

describe('createUnitOfWork', () => {
  let db: Database;
  beforeAll(async () => {
    db = new Database(await freshDatabase());
    await migrate(db, {
      service: 'test',
      migrations: [...kitMigrations, { id: 'notes', up: 'CREATE TABLE notes (text text)', down: 'DROP TABLE notes' }],
    });
  });
  afterAll(() => db.close());

  const uow = () => createUnitOfWork(db, new Outbox('test'), (q) => ({ notes: new Notes(q) }));
  const outboxSubjects = async () =>
    (await db.query<{ subject: string }>('SELECT subject FROM outbox ORDER BY seq')).rows.map((row) => row.subject);

  it('commits the stores and the published events together', async () => {
    const result = await uow().run(async (scope) => {
      await scope.notes.add('kept');
      await scope.publish(NoteWritten, { text: 'kept' });
      return 'done';
    });
    expect(result).toBe('done');
    expect(await uow().read.notes.all()).toEqual(['kept']);
    expect(await outboxSubjects()).toEqual(['tests.note.written']);
  });

  it('rolls both back when the work throws', async () => {
    await expect(
      uow().run(async (scope) => {
        await scope.notes.add('lost');
        await scope.publish(NoteWritten, { text: 'lost' });
        throw new Error('use case refused');
      }),
    ).rejects.toThrow('use case refused');
    expect(await uow().read.notes.all()).toEqual(['kept']);
    expect(await outboxSubjects()).toEqual(['tests.note.written']);
  });

  it('wraps a transaction someone else opened', async () => {
    const work = uow();
    await db
      .tx(async (tx) => {
        const scope = work.scopeFor(tx);
        await scope.notes.add('consumer');
        await scope.publish(NoteWritten, { text: 'consumer' });
        throw new Error('consumer failed');
      })
      .catch(() => undefined);
    expect(await work.read.notes.all()).toEqual(['kept']);
    await db.tx((tx) => work.scopeFor(tx).notes.add('consumer'));
    expect(await work.read.notes.all()).toEqual(['consumer', 'kept']);
  });
});
