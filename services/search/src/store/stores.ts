import type { Queryable } from '@diaspora/service-kit';
import type { Stores } from '../domain/ports.js';
import { PgDocumentStore } from './documents-repository.js';
import { PgBlockStore, PgViewerStore } from './members-repository.js';

export const searchStores = (q: Queryable): Stores => ({
  documents: new PgDocumentStore(q),
  viewers: new PgViewerStore(q),
  blocks: new PgBlockStore(q),
});
