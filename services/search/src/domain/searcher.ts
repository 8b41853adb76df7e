import { createHash } from 'node:crypto';
import {
  type AccessClaims,
  type Cache,
  type CursorCodec,
  cursorBinding,
  getOrComputeOnce,
  type Logger,
  Problem,
  positions,
  problems,
} from '@diaspora/service-kit';
import { generationKey } from './indexer.js';
import type { EngineResult, SearchEngine, SearchScope, Suggestion, UnitOfWork } from './ports.js';
import { type DocType, type FacetCounts, LIMITS, requirePremiumFor, type SearchQuery } from './query.js';

/**
 * A viewer's scope (their city, origin, blocks) is kept this long in process: a new block or move takes effect
 * within it (well inside the 5 s a change may take to show), and repeated searches skip two database reads.
 */
const SCOPE_TTL_MS = 2_000;
const SCOPE_CACHE_SIZE = 10_000;

export interface SearchPage {
  items: Array<{ type: DocType; id: string; score: number } & Record<string, unknown>>;
  facets: FacetCounts;
  total: number;
  nextCursor: string | null;
}

export interface SearcherOptions {
  cursors: CursorCodec;
  cache: Cache;
  cacheTtlMs: number;
  logger: Logger;
  now?: () => Date;
}

/**
 * Searches and suggestions for a signed-in member: premium rules, the viewer's scope (their city and origin for
 * ranking, their country and city for posts meant for them, blocks both ways), paging, and the 5-minute cache
 * keyed by the normalized query, the viewer's scope and the generation of every type searched.
 */
export class Searcher {
  private readonly now: () => Date;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly engine: SearchEngine,
    private readonly options: SearcherOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Scopes read in the last SCOPE_TTL_MS, per viewer: a cache hit then costs no database read at all. */
  private readonly scopes = new Map<string, { scope: SearchScope; until: number }>();

  async scopeOf(caller: AccessClaims): Promise<SearchScope> {
    const now = Date.now();
    const known = this.scopes.get(caller.sub);
    if (known && known.until > now) return known.scope;
    const scope = await this.readScope(caller);
    if (this.scopes.size >= SCOPE_CACHE_SIZE) this.scopes.delete(this.scopes.keys().next().value as string);
    this.scopes.set(caller.sub, { scope, until: now + SCOPE_TTL_MS });
    return scope;
  }

  private async readScope(caller: AccessClaims): Promise<SearchScope> {
    const [viewer, excludedOwners] = await Promise.all([
      this.uow.read.viewers.find(caller.sub),
      this.uow.read.blocks.excludedFor(caller.sub),
    ]);
    const city = viewer?.residenceCity ?? caller.city;
    const residenceCountry = viewer?.residenceCountry ?? caller.country;
    return {
      viewerId: caller.sub,
      ...(city ? { city } : {}),
      ...(viewer?.originCountry ? { originCountry: viewer.originCountry } : {}),
      ...(residenceCountry ? { residenceCountry } : {}),
      excludedOwners,
    };
  }

  async search(caller: AccessClaims, query: SearchQuery, cursor: string | undefined): Promise<SearchPage> {
    requirePremiumFor(query, caller.tier);
    const binding = cursorBinding('search', caller.sub, { ...query });
    const offset = this.options.cursors.decodeOptional(cursor, binding, positions.count) ?? 0;
    if (offset > LIMITS.maxOffset)
      throw problems.badRequest('The cursor is invalid: start again from the first page.', 'invalid-cursor');
    const scope = await this.scopeOf(caller);
    const { viewerId: _viewer, ...shared } = scope;
    const generations = await Promise.all(query.types.map((type) => this.options.cache.get(generationKey(type))));
    const key = `search:v1:${digest({ query, scope: shared, offset, generations })}`;
    const compute = async () =>
      JSON.stringify(await this.guarded(() => this.engine.search(query, scope, { offset }, this.now())));
    // A TTL of 0 turns the cache off (the kit's cache reads 0 as "no expiry").
    const result = JSON.parse(
      this.options.cacheTtlMs > 0
        ? await getOrComputeOnce(this.options.cache, key, compute, { ttlMs: this.options.cacheTtlMs })
        : await compute(),
    ) as EngineResult;
    const next = offset + query.limit;
    return {
      items: result.hits.map((hit) => ({ ...hit.view, type: hit.type, id: hit.id, score: hit.score })),
      facets: result.facets,
      total: result.total,
      nextCursor: next < Math.min(result.total, LIMITS.maxOffset) ? this.options.cursors.encode(binding, next) : null,
    };
  }

  async suggest(caller: AccessClaims, prefix: string, limit: number): Promise<{ items: Suggestion[] }> {
    const scope = await this.scopeOf(caller);
    return { items: await this.guarded(() => this.engine.suggest(prefix, scope, limit)) };
  }

  /** An engine failure is logged and answered 503: its message (index names, query DSL) never reaches clients. */
  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Problem) throw error;
      this.options.logger.error({ err: error, engine: this.engine.name }, 'search engine failed');
      throw problems.unavailable('Search is temporarily unavailable; retry shortly.');
    }
  }
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}
