import type { Database, Logger } from '@diaspora/service-kit';
import { Client as ElasticClient } from '@elastic/elasticsearch';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import type { SearchEngine } from '../domain/ports.js';
import { PostgresEngine } from '../store/pg-engine.js';
import { IndexEngine, type Rest } from './index-engine.js';

interface EngineConfig {
  SEARCH_ENGINE: 'postgres' | 'opensearch' | 'elasticsearch';
  SEARCH_URL: string;
  SEARCH_INDEX: string;
}

/** _bulk takes newline-delimited JSON: each client serializes `bulkBody` (an array of lines) that way. */
const payload = (path: string, body: object | undefined) =>
  body === undefined ? {} : path.endsWith('/_bulk') ? { bulkBody: body as object[] } : { body };

/** A client error carries the engine's status and body; anything else (connection refused…) is thrown on. */
function statusOf(error: unknown): { status: number; body: unknown } | null {
  const meta = (error as { meta?: { statusCode?: number; body?: unknown } }).meta;
  return meta?.statusCode ? { status: meta.statusCode, body: meta.body } : null;
}

function openSearchRest(url: string): { rest: Rest; close: () => Promise<void> } {
  const client = new OpenSearchClient({ node: url, requestTimeout: 10_000, maxRetries: 1 });
  const rest: Rest = async (method, path, body, querystring) => {
    try {
      const response = await client.transport.request({
        method,
        path,
        ...payload(path, body),
        ...(querystring ? { querystring } : {}),
      });
      return { status: response.statusCode ?? 200, body: response.body };
    } catch (error) {
      const answered = statusOf(error);
      if (answered) return answered;
      throw error;
    }
  };
  return { rest, close: () => client.close() };
}

function elasticsearchRest(url: string): { rest: Rest; close: () => Promise<void> } {
  const client = new ElasticClient({ node: url, requestTimeout: 10_000, maxRetries: 1 });
  const rest: Rest = async (method, path, body, querystring) => {
    try {
      const response = await client.transport.request(
        { method, path, ...payload(path, body), ...(querystring ? { querystring } : {}) },
        { meta: true },
      );
      return { status: response.statusCode ?? 200, body: response.body };
    } catch (error) {
      const answered = statusOf(error);
      if (answered) return answered;
      throw error;
    }
  };
  return { rest, close: () => client.close() };
}

/** The engine SEARCH_ENGINE names; OpenSearch and Elasticsearch share everything but their official client. */
export async function openEngine(config: EngineConfig, db: Database, logger: Logger): Promise<SearchEngine> {
  if (config.SEARCH_ENGINE === 'postgres') return new PostgresEngine(db);
  if (!config.SEARCH_URL) throw new Error(`SEARCH_ENGINE=${config.SEARCH_ENGINE} needs SEARCH_URL`);
  const { rest, close } =
    config.SEARCH_ENGINE === 'opensearch' ? openSearchRest(config.SEARCH_URL) : elasticsearchRest(config.SEARCH_URL);
  logger.info({ engine: config.SEARCH_ENGINE, alias: config.SEARCH_INDEX }, 'search engine selected');
  return new IndexEngine(config.SEARCH_ENGINE, rest, config.SEARCH_INDEX, close);
}
