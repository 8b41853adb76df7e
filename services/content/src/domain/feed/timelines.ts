import type { Logger } from '@diaspora/service-kit';
import type { Post } from '../model.js';
import type { ContentStore, UnitOfWork } from '../ports.js';

/** Who a member follows and is connected to, from the user service; null when it cannot say. */
export interface SocialGraph {
  outgoingGraph(userId: string): Promise<{ following: string[]; connections: string[] } | null>;
}

/** Followed people at most queried per store call when rebuilding (an `IN` list). */
const AUTHOR_CHUNK = 1000;
/** A timeline found current is not looked up again for this long (it stays current for days). */
const RECHECK_MS = 60_000;
/** Skip the last-seen write when it is this recent (one write per member per hour of reading). */
const TOUCH_EVERY_MS = 3_600_000;

/**
 * Keeps precomputed timelines for active members: builds one when a member (re)starts reading, from who they
 * follow or are connected with according to the user service (the local graph when it cannot answer).
 */
export class TimelineService {
  private readonly building = new Map<string, Promise<void>>();
  /** Members whose timeline was found current recently: no need to look again on every page. */
  private readonly current = new Map<string, number>();

  constructor(
    private readonly deps: {
      store: ContentStore;
      uow: UnitOfWork;
      users: SocialGraph;
      logger: Logger;
    },
  ) {}

  /** Makes sure the member's timeline is current before a page is read from it. */
  async ensure(userId: string): Promise<void> {
    const { timelines } = this.deps.uow.read;
    if ((this.current.get(userId) ?? 0) > Date.now()) return;
    const owner = await timelines.owner(userId);
    if (timelines.isCurrent(owner)) {
      if (Date.now() - owner!.lastSeenAt.getTime() > TOUCH_EVERY_MS) await timelines.touch(userId);
    } else {
      let pending = this.building.get(userId);
      if (!pending) {
        pending = this.rebuild(userId).finally(() => this.building.delete(userId));
        this.building.set(userId, pending);
      }
      await pending;
    }
    if (this.current.size >= 100_000) this.current.clear();
    this.current.set(userId, Date.now() + RECHECK_MS);
  }

  /** A page of the timeline with its posts (null where a post is gone), newest first. */
  async page(userId: string, before: string | undefined, limit: number): Promise<{ id: string; post: Post | null }[]> {
    const { store } = this.deps;
    const { timelines } = this.deps.uow.read;
    if (store.readTimeline) return store.readTimeline(userId, before, limit);
    const ids = await timelines.page(userId, before, limit);
    const byId = new Map((await store.getPosts(ids)).map((post) => [post.id, post]));
    return ids.map((id) => ({ id, post: byId.get(id) ?? null }));
  }

  /**
   * Below the oldest entry a capped timeline still holds, the same stream comes straight from the store (as
   * Mastodon falls back to its database): trimming mid-scroll then drops nothing from the pages that follow.
   */
  async beyond(userId: string, before: string | undefined, limit: number) {
    const authors = [...new Set([userId, ...(await this.deps.uow.read.community.followedAuthors(userId))])].slice(
      0,
      AUTHOR_CHUNK,
    );
    return this.deps.store.listPosts({ authorIds: authors }, { ...(before ? { before } : {}), limit });
  }

  private async rebuild(userId: string): Promise<void> {
    const { store, uow, users, logger } = this.deps;
    const { timelines, community } = uow.read;
    const graph = await users.outgoingGraph(userId);
    if (graph) await uow.run((scope) => scope.community.replaceOutgoing(userId, graph.following, graph.connections));
    // Committed before reading: posts published from now on are fanned out to the timeline being rebuilt.
    await uow.run((scope) => scope.timelines.startRebuild(userId));
    const authors = [...new Set([userId, ...(await community.followedAuthors(userId))])];
    const newest: { postId: string; authorId: string }[] = [];
    for (let i = 0; i < authors.length; i += AUTHOR_CHUNK) {
      const posts = await store.listPosts(
        { authorIds: authors.slice(i, i + AUTHOR_CHUNK) },
        { limit: timelines.maxItems },
      );
      newest.push(...posts.map((post) => ({ postId: post.id, authorId: post.authorId })));
    }
    newest.sort((a, b) => (a.postId < b.postId ? 1 : -1));
    await uow.run((scope) => scope.timelines.finishRebuild(userId, newest.slice(0, timelines.maxItems)));
    logger.debug(
      { userId, authors: authors.length, entries: Math.min(newest.length, timelines.maxItems) },
      'timeline built',
    );
  }
}
