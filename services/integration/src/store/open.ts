import { ConfigError, type Database } from '@diaspora/service-kit';
import type { IntegrationStore } from '../domain/ports.js';
import { MongoIntegrationStore } from './mongo.js';
import { PostgresIntegrationStore } from './postgres.js';

/** The store INTEGRATION_STORE names: this service's PostgreSQL, or MongoDB at MONGO_URL. */
export async function openIntegrationStore(
  config: { INTEGRATION_STORE: 'postgres' | 'mongodb'; MONGO_URL?: string | undefined },
  db: Database,
): Promise<IntegrationStore> {
  let store: IntegrationStore;
  if (config.INTEGRATION_STORE === 'postgres') store = new PostgresIntegrationStore(db);
  else if (!config.MONGO_URL)
    throw new ConfigError(
      'invalid configuration for the integration service:\n  - MONGO_URL: is required when INTEGRATION_STORE=mongodb',
    );
  else store = await MongoIntegrationStore.connect(config.MONGO_URL);
  await store.init();
  return store;
}
