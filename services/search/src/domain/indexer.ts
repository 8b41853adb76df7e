import type { Cache } from '@diaspora/service-kit';
import type { SearchDocument, ViewerProfile } from './documents.js';
import type { Applied, Scope, SearchEngine, UnitOfWork } from './ports.js';
import type { DocType } from './query.js';

/** On engines that refresh (OpenSearch, Elasticsearch): writes of a type are made visible in one refresh after this. */
const REFRESH_DELAY_MS = 250;

/** The cache key whose value changes whenever documents of a type change: cached answers are keyed by it. */
export const generationKey = (type: DocType) => `search:generation:${type}`;

/**
 * Applies what other services announce to the documents table (newer versions only: a late or repeated event
 * changes nothing), then mirrors the outcome to the engine and moves the type's cache generation so cached
 * answers stop being served — a write is searchable as soon as its event is consumed.
 */
export class Indexer {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly engine: SearchEngine,
    private readonly cache: Cache,
  ) {}

  private async mirror(id: string, type: DocType, applied: Applied | null): Promise<void> {
    if (!applied || applied.unchanged) return;
    if (applied.visible) await this.engine.put(applied.visible, applied.revision);
    else await this.engine.remove(id, applied.revision);
    await this.touch(type);
  }

  /**
   * Moves the type's generation now, and again once the engine has made the write visible: an answer computed
   * in between (from an index not yet refreshed) is then cached under a generation nobody asks for any more.
   */
  async touch(type: DocType): Promise<void> {
    await this.cache.set(generationKey(type), `${Date.now()}-${Math.random().toString(36).slice(2)}`);
    if (this.engine.visibleAfterMs > 0) this.touchLater(type, Date.now() + REFRESH_DELAY_MS);
  }

  private readonly later = new Map<DocType, { timer: NodeJS.Timeout; deadline: number }>();

  private touchLater(type: DocType, deadline: number): void {
    const pending = this.later.get(type);
    if (pending) {
      pending.deadline = Math.max(pending.deadline, deadline);
      return;
    }
    const fire = async () => {
      const current = this.later.get(type);
      this.later.delete(type);
      try {
        // Make the writes so far searchable now (rather than trusting the refresh interval under load), then
        // move the generation past any answer computed before.
        await this.engine.refresh();
        await this.cache.set(generationKey(type), `${Date.now()}-${Math.random().toString(36).slice(2)}`);
      } catch {
        // The engine or cache down: answers go stale until the next write's touch; the TTL bounds it.
      }
      // Writes made while this timer ran need their own refresh to pass.
      if (current && current.deadline > Date.now()) this.touchLater(type, current.deadline);
    };
    const timer = setTimeout(() => void fire(), Math.max(0, deadline - Date.now()));
    timer.unref();
    this.later.set(type, { timer, deadline });
  }

  close(): void {
    for (const { timer } of this.later.values()) clearTimeout(timer);
    this.later.clear();
  }

  /** A document to index, or (null) one that leaves: deleted, canceled, or no longer searchable. */
  async write(id: string, type: DocType, ownerId: string, document: SearchDocument | null, version: Date) {
    const applied = await this.uow.run((scope) => scope.documents.apply(id, type, ownerId, document, version));
    await this.mirror(id, type, applied);
  }

  async member(document: SearchDocument, viewer: ViewerProfile, version: Date): Promise<void> {
    const applied = await this.uow.run(async (scope) => {
      await scope.viewers.upsert(viewer, version);
      return scope.documents.apply(document.id, 'users', document.id, document, version);
    });
    await this.mirror(document.id, 'users', applied);
  }

  /** A moderation decision on a post: held or taken down posts leave results, restored ones come back. */
  async moderate(postId: string, authorId: string, hidden: boolean, at: Date): Promise<void> {
    const applied = await this.uow.run((scope) => scope.documents.moderate(postId, authorId, hidden, at));
    await this.mirror(postId, 'posts', applied);
  }

  async block(blockerId: string, blockedId: string, active: boolean, at: Date): Promise<void> {
    // Blocks apply at query time (the viewer's scope, part of the cache key), so no document changes.
    await this.uow.read.blocks.set(blockerId, blockedId, active, at);
  }

  /** GDPR erasure, in the kit's transaction: every document of the member leaves, and what we knew of them. */
  async erase(scope: Scope, userId: string): Promise<void> {
    const erased = await scope.documents.eraseOwner(userId, new Date());
    await scope.viewers.erase(userId);
    await scope.blocks.erase(userId);
    for (const { id, revision } of erased) await this.engine.remove(id, revision);
    await Promise.all((['users', 'events', 'posts'] as const).map((type) => this.touch(type)));
  }
}
