import { createService } from '@diaspora/service-kit';
import { SingleBar } from 'cli-progress';
import { openEngine } from '../adapters/engines.js';
import { IndexEngine } from '../adapters/index-engine.js';
import { searchService } from '../app.js';
import { reindex } from './reindex.js';

/**
 * `node dist/main.js reindex`: rebuilds the OpenSearch/Elasticsearch index behind the alias from the documents
 * table, with a progress bar; run again after an interruption, it resumes where it stopped.
 */
export async function runReindexCommand(): Promise<void> {
  const service = await createService(searchService, { env: process.env });
  const { config, db, logger } = service.context;
  try {
    await service.migrate();
    const engine = await openEngine(config, db, logger);
    if (!(engine instanceof IndexEngine)) {
      console.log('SEARCH_ENGINE=postgres: the documents table is the index, nothing to rebuild.');
      return;
    }
    await engine.prepare();
    const bar = new SingleBar({ format: 'reindex {bar} {value}/{total} documents | {eta_formatted} left' });
    const outcome = await reindex(db, engine, {
      start: (total, done) => bar.start(total, done),
      update: (done) => bar.update(done),
      stop: () => bar.stop(),
    });
    console.log(`alias ${engine.alias} now points at ${outcome.index} (${outcome.copied} documents)`);
    await engine.close();
  } finally {
    await service.close();
  }
}
