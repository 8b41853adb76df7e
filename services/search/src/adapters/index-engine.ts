import type { SearchDocument } from '../domain/documents.js';
import type { EngineResult, SearchEngine, SearchHit, SearchScope, Suggestion } from '../domain/ports.js';
import { FACETS, type FacetCounts, type SearchQuery } from '../domain/query.js';
import { INDEX_BODY, indexSource, searchBody, suggestBody } from './index-query.js';

/** One REST call to the engine: the status and parsed body, whatever the status (errors are the caller's). */
export type Rest = (
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD',
  path: string,
  body?: object,
  querystring?: Record<string, string | number>,
) => Promise<{ status: number; body: unknown }>;

/** An engine answered something unexpected; the message stays in the logs (the searcher answers 503). */
class EngineError extends Error {
  override name = 'EngineError';
}

interface Hits {
  hits: {
    total: { value: number };
    hits: Array<{ _id: string; _score: number | null; _source: { type: string; view: object } }>;
  };
  aggregations?: Record<string, { buckets: Array<{ key: string; doc_count: number }> }>;
}

/**
 * OpenSearch and Elasticsearch through their official clients' transports, with one implementation: the index
 * lives behind an alias (`<alias>-v<n>` under it, so a reindex can swap it), writes carry the documents table's
 * revision as an external version (a stale write is refused by the engine: 409, ignored here).
 */
export class IndexEngine implements SearchEngine {
  /** Writes become searchable at the next refresh (INDEX_BODY's refresh_interval), not at once. */
  readonly visibleAfterMs = 1_000;

  constructor(
    readonly name: 'opensearch' | 'elasticsearch',
    private readonly rest: Rest,
    readonly alias: string,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {}

  private async call(...args: Parameters<Rest>): Promise<unknown> {
    const { status, body } = await this.rest(...args);
    if (status >= 300)
      throw new EngineError(`${args[0]} ${args[1]} answered ${status}: ${JSON.stringify(body).slice(0, 500)}`);
    return body;
  }

  /** Creates `<alias>-v1` with the mappings and points the alias at it, unless the alias exists. */
  async prepare(): Promise<void> {
    const { status } = await this.rest('HEAD', `/_alias/${this.alias}`);
    if (status === 200) return;
    await this.createIndex(`${this.alias}-v1`, true);
  }

  async createIndex(index: string, withAlias: boolean): Promise<void> {
    const { status, body } = await this.rest('PUT', `/${index}`, {
      ...INDEX_BODY,
      ...(withAlias ? { aliases: { [this.alias]: {} } } : {}),
    });
    // Another instance may have created it a moment ago.
    if (status >= 300 && !JSON.stringify(body).includes('resource_already_exists_exception'))
      throw new EngineError(`creating index ${index} answered ${status}: ${JSON.stringify(body).slice(0, 500)}`);
  }

  async put(document: SearchDocument, revision: number, index = this.alias): Promise<void> {
    const { status, body } = await this.rest(
      'PUT',
      `/${index}/_doc/${encodeURIComponent(document.id)}`,
      indexSource(document),
      {
        version: revision,
        version_type: 'external_gte',
      },
    );
    if (status >= 300 && status !== 409)
      throw new EngineError(`indexing ${document.id} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  }

  async remove(id: string, revision: number, index = this.alias): Promise<void> {
    const { status, body } = await this.rest('DELETE', `/${index}/_doc/${encodeURIComponent(id)}`, undefined, {
      version: revision,
      version_type: 'external_gte',
    });
    if (status >= 300 && status !== 404 && status !== 409)
      throw new EngineError(`removing ${id} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  }

  async search(query: SearchQuery, scope: SearchScope, page: { offset: number }, now: Date): Promise<EngineResult> {
    const body = (await this.call(
      'POST',
      `/${this.alias}/_search`,
      searchBody(query, scope, page.offset, now),
    )) as Hits;
    const facets: FacetCounts = {};
    for (const facet of FACETS) {
      const buckets = body.aggregations?.[facet]?.buckets ?? [];
      if (buckets.length) facets[facet] = Object.fromEntries(buckets.map((bucket) => [bucket.key, bucket.doc_count]));
    }
    return {
      total: body.hits.total.value,
      hits: body.hits.hits.map(
        (hit): SearchHit => ({
          type: hit._source.type as SearchHit['type'],
          id: hit._id,
          score: Math.round((hit._score ?? 0) * 10_000) / 10_000,
          view: hit._source.view as Record<string, unknown>,
        }),
      ),
      facets,
    };
  }

  async suggest(prefix: string, scope: SearchScope, limit: number): Promise<Suggestion[]> {
    const body = (await this.call('POST', `/${this.alias}/_search`, suggestBody(prefix, scope, limit))) as Hits;
    return body.hits.hits.map((hit) => {
      const view = hit._source.view as { displayName?: string; title?: string };
      return { type: hit._source.type as Suggestion['type'], id: hit._id, text: view.displayName ?? view.title ?? '' };
    });
  }

  /** The concrete index the alias points at (null before `prepare`). */
  async currentIndex(): Promise<string | null> {
    const { status, body } = await this.rest('GET', `/_alias/${this.alias}`);
    if (status === 404) return null;
    if (status >= 300) throw new EngineError(`reading alias ${this.alias} answered ${status}`);
    return Object.keys(body as object)[0] ?? null;
  }

  /** Writes and removals in one request, each with its external version; stale ones (409) are skipped. */
  async bulk(
    index: string,
    operations: Array<{ put: SearchDocument; revision: number } | { remove: string; revision: number }>,
  ) {
    if (!operations.length) return;
    const lines = operations.flatMap((operation) =>
      'put' in operation
        ? [
            {
              index: {
                _index: index,
                _id: operation.put.id,
                version: operation.revision,
                version_type: 'external_gte',
              },
            },
            indexSource(operation.put),
          ]
        : [
            {
              delete: {
                _index: index,
                _id: operation.remove,
                version: operation.revision,
                version_type: 'external_gte',
              },
            },
          ],
    );
    const body = (await this.call('POST', '/_bulk', lines)) as {
      items: Array<Record<string, { status: number; error?: unknown }>>;
    };
    const failed = body.items
      .map((item) => Object.values(item)[0])
      .filter((r) => r && r.status >= 300 && r.status !== 404 && r.status !== 409);
    if (failed.length)
      throw new EngineError(`bulk write: ${failed.length} failed, first: ${JSON.stringify(failed[0]).slice(0, 300)}`);
  }

  /** Points the alias at `to` instead of `from` in one atomic step (searches never see neither or both). */
  async swapAlias(from: string | null, to: string): Promise<void> {
    await this.call('POST', '/_aliases', {
      actions: [
        ...(from ? [{ remove: { index: from, alias: this.alias } }] : []),
        { add: { index: to, alias: this.alias } },
      ],
    });
  }

  async deleteIndex(index: string): Promise<void> {
    const { status } = await this.rest('DELETE', `/${index}`);
    if (status >= 300 && status !== 404) throw new EngineError(`deleting ${index} answered ${status}`);
  }

  /** Makes every write so far searchable now (the indexer calls it once per burst of writes of a type). */
  async refresh(index = this.alias): Promise<void> {
    await this.call('POST', `/${index}/_refresh`);
  }

  async ping(): Promise<void> {
    await this.call('GET', '/_cluster/health');
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}
