import { createUnitOfWork, defineService, userData } from '@diaspora/service-kit';
import { openEngine } from './adapters/engines.js';
import { searchConfig } from './config.js';
import { Indexer } from './domain/indexer.js';
import type { Stores } from './domain/ports.js';
import { Searcher } from './domain/searcher.js';
import { searchConsumers } from './events/consumers.js';
import { searchRoutes } from './http/routes.js';
import { migrations } from './store/migrations.js';
import { searchStores } from './store/stores.js';
import { exportMemberData } from './store/user-data.js';

export const searchService = defineService({
  name: 'search',
  openapi: {
    title: 'Search service',
    description:
      'Members, events and posts, indexed from the domain events of the services that own them: full text with ' +
      'typo tolerance, filters, facets, geo, relevance for the viewer, suggestions; PostgreSQL, OpenSearch or ' +
      'Elasticsearch behind one query model.',
    version: '1.0.0',
  },
  config: searchConfig,
  migrations,
  async setup({ config, db, outbox, cache, cursors, logger }) {
    const uow = createUnitOfWork<Stores>(db, outbox, searchStores);
    const engine = await openEngine(config, db, logger);
    await engine.prepare();
    const indexer = new Indexer(uow, engine, cache);
    const searcher = new Searcher(uow, engine, {
      cursors,
      cache,
      cacheTtlMs: config.SEARCH_CACHE_TTL_SECONDS * 1000,
      logger,
    });
    return {
      routes: (app) => searchRoutes(app, searcher),
      consumers: searchConsumers(indexer),
      userData: userData(uow, {
        export: (userId) => exportMemberData(db, userId),
        erase: (scope, userId) => indexer.erase(scope, userId),
      }),
      checks: { [`search-${engine.name}`]: () => engine.ping() },
      async close() {
        indexer.close();
        await engine.close();
      },
    };
  },
});
