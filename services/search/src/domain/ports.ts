import type { Scope as KitScope, UnitOfWork as KitUnitOfWork } from '@diaspora/service-kit';
import type { SearchDocument, ViewerProfile } from './documents.js';
import type { DocType, FacetCounts, SearchQuery } from './query.js';

/** Who searches, as far as ranking and visibility go (their own profile, never shown to others). */
export interface SearchScope {
  viewerId: string;
  city?: string;
  originCountry?: string;
  residenceCountry?: string;
  /** Members who blocked the viewer or whom the viewer blocked: their documents never appear. */
  excludedOwners: string[];
}

export interface SearchHit {
  type: DocType;
  id: string;
  score: number;
  view: Record<string, unknown>;
}

export interface EngineResult {
  hits: SearchHit[];
  total: number;
  facets: FacetCounts;
}

export interface Suggestion {
  type: 'users' | 'events';
  id: string;
  text: string;
}

/**
 * A search engine: PostgreSQL (all-in-one), OpenSearch or Elasticsearch. The PostgreSQL engine reads the
 * documents table itself (its `put`/`remove` do nothing); the others mirror it, with the table's revision as
 * an external version so a late or repeated write never overwrites a newer one.
 */
export interface SearchEngine {
  readonly name: 'postgres' | 'opensearch' | 'elasticsearch';
  /** How long after a write returns searchers may still not see it (the engine's refresh interval). */
  readonly visibleAfterMs: number;
  search(query: SearchQuery, scope: SearchScope, page: { offset: number }, now: Date): Promise<EngineResult>;
  suggest(prefix: string, scope: SearchScope, limit: number): Promise<Suggestion[]>;
  put(document: SearchDocument, revision: number): Promise<void>;
  remove(id: string, revision: number): Promise<void>;
  /** Makes every write so far searchable (no-op on PostgreSQL, where a commit does). */
  refresh(): Promise<void>;
  /** Creates the index (mappings, alias) when missing. */
  prepare(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The outcome of applying a change to the documents table: null when it was older than what is stored. */
export interface Applied {
  revision: number;
  /** The document as it now stands for searchers, or null when it is deleted or held by moderation. */
  visible: SearchDocument | null;
  /** True when searchers see no difference (a moderation decision that kept the post as it was). */
  unchanged?: boolean;
}

export interface DocumentStore {
  /** Writes `document` (or a tombstone when null) unless a newer version is already stored. */
  apply(
    id: string,
    type: DocType,
    ownerId: string,
    document: SearchDocument | null,
    version: Date,
  ): Promise<Applied | null>;
  /** Hides or shows a post after a moderation decision, unless a newer decision is stored. */
  moderate(id: string, ownerId: string, hidden: boolean, at: Date): Promise<Applied | null>;
  /** Tombstones every document of a member (erasure); their ids and revisions, for the engine. */
  eraseOwner(ownerId: string, at: Date): Promise<Array<{ id: string; revision: number }>>;
  /** Visible documents after `afterId`, in id order (mirroring the table into a new engine index). */
  visibleAfter(afterId: string, limit: number): Promise<Array<{ document: SearchDocument; revision: number }>>;
}

export interface ViewerStore {
  upsert(profile: ViewerProfile, version: Date): Promise<void>;
  find(userId: string): Promise<ViewerProfile | null>;
  erase(userId: string): Promise<void>;
}

export interface BlockStore {
  /** Records a block (active) or its removal, unless a newer change of the same pair is stored. */
  set(blockerId: string, blockedId: string, active: boolean, at: Date): Promise<void>;
  /** Both directions: whom the member blocked and who blocked them. */
  excludedFor(userId: string): Promise<string[]>;
  erase(userId: string): Promise<void>;
}

export type Stores = { documents: DocumentStore; viewers: ViewerStore; blocks: BlockStore };
export type Scope = KitScope<Stores>;
export type UnitOfWork = KitUnitOfWork<Stores>;
