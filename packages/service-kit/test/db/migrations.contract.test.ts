import { freshDatabase, postgresTargets } from '@diaspora/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { type Migration, migrate } from '../../src/db/migrations.js';

const migrations: Migration[] = [
  { id: '0001_a', up: 'CREATE TABLE a (id int PRIMARY KEY)', down: 'DROP TABLE a' },
  { id: '0002_b', up: 'CREATE TABLE b (id int PRIMARY KEY)', down: 'DROP TABLE b' },
];

const tables = async (db: Database) =>
  (
    await db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
  ).rows.map((row) => row.name);

for (const target of postgresTargets()) {
  describe(`migrations on ${target.name} PostgreSQL`, () => {
    const open: Database[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((db) => db.close()));
    });
    const database = async () => {
      const db = new Database(await freshDatabase(target.adminUrl));
      open.push(db);
      return db;
    };

    it('applies pending migrations once, in order, tracked in the service own table', async () => {
      const db = await database();
      expect(await migrate(db, { service: 'alpha', migrations })).toEqual(['0001_a', '0002_b']);
      expect(await migrate(db, { service: 'alpha', migrations })).toEqual([]);
      expect(await tables(db)).toEqual(['a', 'alpha_migrations', 'b']);
    });

    it('keeps services apart even when they share a database', async () => {
      const db = await database();
      await migrate(db, { service: 'alpha', migrations: [migrations[0]!] });
      await migrate(db, {
        service: 'beta',
        migrations: [{ id: '0001_a', up: 'CREATE TABLE c (id int)', down: 'DROP TABLE c' }],
      });
      expect(await tables(db)).toEqual(['a', 'alpha_migrations', 'beta_migrations', 'c']);
    });

    it('reverts the most recent migrations with down', async () => {
      const db = await database();
      await migrate(db, { service: 'alpha', migrations });
      expect(await migrate(db, { service: 'alpha', migrations, direction: 'down' })).toEqual(['0002_b']);
      expect(await tables(db)).toEqual(['a', 'alpha_migrations']);
      expect(await migrate(db, { service: 'alpha', migrations, direction: 'down', steps: 5 })).toEqual(['0001_a']);
      expect(await tables(db)).toEqual(['alpha_migrations']);
    });

    it('rolls back a failing migration entirely and reports which one', async () => {
      const db = await database();
      const broken = [...migrations, { id: '0003_broken', up: 'CREATE TABLE d (id int); SELECT nope()', down: '' }];
      await expect(migrate(db, { service: 'alpha', migrations: broken })).rejects.toThrow(/0003_broken \(up\) failed/);
      expect(await tables(db)).toEqual(['a', 'alpha_migrations', 'b']);
    });

    it('lets replicas booting together apply each migration exactly once', async () => {
      const url = await freshDatabase(target.adminUrl);
      const replicas = [new Database(url), new Database(url), new Database(url)];
      open.push(...replicas);
      const applied = await Promise.all(replicas.map((db) => migrate(db, { service: 'alpha', migrations })));
      expect(applied.flat().sort()).toEqual(['0001_a', '0002_b']);
    });
  });
}
