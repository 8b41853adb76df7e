import type { Database } from '@diaspora/service-kit';
import type { IndexEngine } from '../adapters/index-engine.js';
import type { SearchDocument } from '../domain/documents.js';

export interface ReindexProgress {
  start(total: number, done: number): void;
  update(done: number): void;
  stop(): void;
}

type State = { source_index: string; target_index: string; after_id: string; from_revision: string };

/**
 * Rebuilds the engine's index from the documents table with no downtime (after a mapping or analyzer change, or
 * to repair an index): copies every searchable document into `<alias>-v<n+1>` in id order, remembering where it
 * stands in `search_reindex` (an interrupted run resumes there), then points the alias at the new index in one
 * atomic step and replays every change made since the copy began (external versions: nothing newer is lost or
 * overwritten). Stops after `maxBatches` when given (to test resuming).
 */
export async function reindex(
  db: Database,
  engine: IndexEngine,
  progress: ReindexProgress,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<{ index: string; copied: number; finished: boolean }> {
  const batchSize = options.batchSize ?? 1_000;
  let state = (await db.query<State>('SELECT * FROM search_reindex WHERE alias = $1', [engine.alias])).rows[0];
  if (!state) {
    const source = await engine.currentIndex();
    const version = Number(/-v(\d+)$/.exec(source ?? '')?.[1] ?? 0) + 1;
    const target = `${engine.alias}-v${version}`;
    await engine.deleteIndex(target); // a leftover of a run whose state was lost
    await engine.createIndex(target, false);
    const { rows } = await db.query<State>(
      `INSERT INTO search_reindex (alias, source_index, target_index, from_revision)
       VALUES ($1, $2, $3, (SELECT coalesce(max(revision), 0) FROM search_documents)) RETURNING *`,
      [engine.alias, source ?? '', target],
    );
    state = rows[0] as State;
  }
  const target = state.target_index;
  const count = async (where: string, params: unknown[] = []) =>
    Number(
      (await db.query<{ n: string }>(`SELECT count(*) AS n FROM search_documents WHERE ${where}`, params)).rows[0]?.n,
    );
  const searchable = 'NOT deleted AND NOT hidden';
  let done = await count(`${searchable} AND id <= $1`, [state.after_id]);
  progress.start(await count(searchable), done);
  try {
    for (let after = state.after_id, batches = 0; ; batches++) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches)
        return { index: target, copied: done, finished: false };
      const { rows } = await db.query<{ id: string; document: SearchDocument; revision: string }>(
        `SELECT id, document, revision FROM search_documents WHERE id > $1 AND ${searchable} ORDER BY id LIMIT $2`,
        [after, batchSize],
      );
      if (!rows.length) break;
      await engine.bulk(
        target,
        rows.map((row) => ({ put: row.document, revision: Number(row.revision) })),
      );
      after = (rows.at(-1) as { id: string }).id;
      await db.query('UPDATE search_reindex SET after_id = $2 WHERE alias = $1', [engine.alias, after]);
      done += rows.length;
      progress.update(done);
    }
    // Changes made while copying went to the old index through the alias: replay them, swap, and replay again
    // what landed between the first replay and the swap.
    await replaySince(db, engine, target, Number(state.from_revision));
    await engine.refresh(target);
    await engine.swapAlias(state.source_index || null, target);
    await replaySince(db, engine, target, Number(state.from_revision));
    if (state.source_index) await engine.deleteIndex(state.source_index);
    await db.query('DELETE FROM search_reindex WHERE alias = $1', [engine.alias]);
    return { index: target, copied: done, finished: true };
  } finally {
    progress.stop();
  }
}

async function replaySince(db: Database, engine: IndexEngine, index: string, revision: number): Promise<void> {
  for (let after = revision; ; ) {
    const { rows } = await db.query<{
      id: string;
      revision: string;
      visible: boolean;
      document: SearchDocument | null;
    }>(
      `SELECT id, revision, (NOT deleted AND NOT hidden) AS visible, document FROM search_documents
       WHERE revision > $1 ORDER BY revision LIMIT 1000`,
      [after],
    );
    if (!rows.length) return;
    await engine.bulk(
      index,
      rows.map((row) =>
        row.visible && row.document
          ? { put: row.document, revision: Number(row.revision) }
          : { remove: row.id, revision: Number(row.revision) },
      ),
    );
    after = Number((rows.at(-1) as { revision: string }).revision);
  }
}
