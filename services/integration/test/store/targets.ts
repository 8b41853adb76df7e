import { randomBytes } from 'node:crypto';
import { Database, kitMigrations, migrate } from '@diaspora/service-kit';
import { freshDatabase } from '@diaspora/testing';
import { MongoClient } from 'mongodb';
import type { IntegrationStore } from '../../src/domain/ports.js';
import { migrations } from '../../src/store/migrations.js';
import { MongoIntegrationStore } from '../../src/store/mongo.js';
import { PostgresIntegrationStore } from '../../src/store/postgres.js';

export interface StoreTarget {
  name: string;
  open(): Promise<{ store: IntegrationStore; close(): Promise<void> }>;
}

/** Every integration-store adapter that can run here: PostgreSQL always, MongoDB when MONGO_URL is set. */
export function storeTargets(): StoreTarget[] {
  const targets: StoreTarget[] = [
    {
      name: 'postgres',
      async open() {
        const db = new Database(await freshDatabase());
        await migrate(db, { service: 'integration', migrations: [...kitMigrations, ...migrations] });
        const store = new PostgresIntegrationStore(db);
        await store.init();
        return { store, close: () => db.close() };
      },
    },
  ];
  const mongoUrl = process.env.MONGO_URL;
  if (mongoUrl)
    targets.push({
      name: `mongodb (${mongoUrl.replace(/\/\/[^@]*@/, '//')})`,
      async open() {
        const url = new URL(mongoUrl);
        url.pathname = `/integration_test_${randomBytes(5).toString('hex')}`;
        const store = await MongoIntegrationStore.connect(url.toString());
        await store.init();
        return {
          store,
          async close() {
            await store.close();
            const client = await new MongoClient(url.toString()).connect();
            await client.db().dropDatabase();
            await client.close();
          },
        };
      },
    });
  return targets;
}
