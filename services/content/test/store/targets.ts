import { randomBytes } from 'node:crypto';
import { createLogger, Database, kitMigrations, migrate } from '@diaspora/service-kit';
import { freshDatabase } from '@diaspora/testing';
import { MongoClient } from 'mongodb';
import type { ContentStore } from '../../src/domain/ports.js';
import { MongoContentStore } from '../../src/store/content-store/mongo.js';
import { PostgresContentStore } from '../../src/store/content-store/postgres.js';
import { migrations } from '../../src/store/migrations.js';

export interface StoreTarget {
  name: string;
  /** A fresh, empty store and the PostgreSQL database holding this service's outbox. */
  open(): Promise<{ store: ContentStore; db: Database; close(): Promise<void> }>;
}

async function serviceDatabase(): Promise<Database> {
  const db = new Database(await freshDatabase());
  await migrate(db, { service: 'content', migrations: [...kitMigrations, ...migrations] });
  return db;
}

const logger = createLogger({ service: 'content-test', level: 'silent' });

/** Every content-store adapter that can run here: PostgreSQL always, MongoDB when MONGO_URL is set. */
export function storeTargets(): StoreTarget[] {
  const targets: StoreTarget[] = [
    {
      name: 'postgres (JSONB)',
      async open() {
        const db = await serviceDatabase();
        const store = new PostgresContentStore(db);
        await store.init();
        return { store, db, close: () => db.close() };
      },
    },
  ];
  const mongoUrl = process.env.MONGO_URL;
  if (mongoUrl) {
    targets.push({
      name: `mongodb (${mongoUrl.replace(/\/\/[^@]*@/, '//')})`,
      async open() {
        const db = await serviceDatabase();
        const url = new URL(mongoUrl);
        url.pathname = `/content_test_${randomBytes(5).toString('hex')}`;
        const store = await MongoContentStore.connect(url.toString(), db, logger);
        await store.init();
        return {
          store,
          db,
          async close() {
            await store.close();
            const client = await new MongoClient(url.toString()).connect();
            await client.db().dropDatabase();
            await client.close();
            await db.close();
          },
        };
      },
    });
  }
  return targets;
}
