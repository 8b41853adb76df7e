import { ConfigError, type Database, type Logger } from '@diaspora/service-kit';
import type { ContentStore } from '../../domain/ports.js';
import { MongoContentStore } from './mongo.js';
import { PostgresContentStore } from './postgres.js';

/** The content store CONTENT_STORE names: this service's PostgreSQL (JSONB) or MongoDB at MONGO_URL. */
export async function openContentStore(
  config: { CONTENT_STORE: 'postgres' | 'mongodb'; MONGO_URL?: string | undefined },
  db: Database,
  logger: Logger,
): Promise<ContentStore> {
  let store: ContentStore;
  if (config.CONTENT_STORE === 'postgres') store = new PostgresContentStore(db);
  else if (!config.MONGO_URL)
    throw new ConfigError(
      'invalid configuration for the content service:\n  - MONGO_URL: is required when CONTENT_STORE=mongodb',
    );
  else store = await MongoContentStore.connect(config.MONGO_URL, db, logger);
  await store.init();
  return store;
}
