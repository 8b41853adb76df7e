import { type CursorCodec, cursorBinding } from '@diaspora/service-kit';
import { cityKey, type Post, type Viewer } from '../model.js';
import type { ContentStore, PostFilter } from '../ports.js';
import type { PostPresenter, PostView } from '../presenter.js';
import { audienceOf } from '../rules.js';
import { boundingBox, distanceKm, type Near } from './geo.js';
import type { SponsoredItem, SponsoredSource } from './sponsored.js';

export interface PostFilters {
  country?: string;
  city?: string;
  near?: Near;
  language?: string;
  domain?: string;
}

export type PostFeedItem = { type: 'post'; post: PostView } | { type: 'sponsored'; sponsored: SponsoredItem };

export interface PostsFeedDeps {
  store: ContentStore;
  timelines: {
    ensure(userId: string): Promise<void>;
    page(userId: string, before: string | undefined, limit: number): Promise<{ id: string; post: Post | null }[]>;
    beyond(userId: string, before: string | undefined, limit: number): Promise<Post[]>;
  };
  presenter: PostPresenter;
  cursors: CursorCodec;
  sponsored: SponsoredSource;
}

/** One or more newest-first streams of posts (several channels come in one store call). */
interface Source {
  fetch(before: string | undefined, limit: number): Promise<Post[][]>;
}

/** Rounds of fetching before a page settles for fewer items (most candidates filtered out). */
const MAX_ROUNDS = 6;
/** Engagement can lift a post a few places within its page, never across pages (that would repeat or skip). */
const ENGAGEMENT_WEIGHT = 2;

const isPostId = (value: unknown): value is string => typeof value === 'string' && /^pst_[0-9a-z]{26}$/.test(value);

/**
 * The posts section: the viewer's precomputed timeline (people followed and connections) merged at read time with
 * community channels — their origin-country and residence-city communities, or the country / city / area asked
 * for — filtered by language and domain. Pages are windows of the merged stream on post ids (creation order), so
 * posts arriving meanwhile never shift a later page: nothing repeats, nothing is skipped.
 */
export class PostsFeed {
  constructor(private readonly deps: PostsFeedDeps) {}

  async page(viewer: Viewer, filters: PostFilters, cursor: string | undefined, limit: number) {
    const binding = cursorBinding('posts', viewer.id, { ...filters });
    const before = cursor ? this.deps.cursors.decode(cursor, binding, isPostId) : undefined;
    await this.deps.timelines.ensure(viewer.id);
    const sources = [this.timelineSource(viewer, filters), this.channels(viewer, filters)];
    const { posts, last, more } = await this.collect(viewer, sources, filters, before, limit);
    const views = await this.deps.presenter.present(viewer, rankWithinPage(posts));
    const sponsored = this.deps.sponsored.forPage(viewer, views.length, before ?? 'first');
    const items: PostFeedItem[] = [];
    views.forEach((post, index) => {
      items.push({ type: 'post', post });
      const ad = sponsored.get(index);
      if (ad) items.push({ type: 'sponsored', sponsored: ad });
    });
    return { items, nextCursor: more && last ? this.deps.cursors.encode(binding, last) : null };
  }

  private timelineSource(viewer: Viewer, filters: PostFilters): Source {
    return {
      fetch: async (before, limit) => {
        const page = await this.deps.timelines.page(viewer.id, before, limit);
        // Keep the source's length (and so its exhaustion) honest: filtered-out entries still count as seen.
        const entries = page.map((entry) => entry.post ?? placeholder(entry.id));
        if (page.length < limit)
          entries.push(
            ...(await this.deps.timelines.beyond(viewer.id, page.at(-1)?.id ?? before, limit - page.length)),
          );
        return [entries.map((post) => (matches(post, filters) ? post : placeholder(post.id)))];
      },
    };
  }

  private channels(viewer: Viewer, filters: PostFilters): Source {
    const narrow: PostFilter = {
      ...(filters.language ? { language: filters.language } : {}),
      ...(filters.domain ? { domain: filters.domain } : {}),
      audience: audienceOf(viewer),
    };
    const channels: PostFilter[] = [];
    if (filters.country || filters.city || filters.near) {
      channels.push({
        ...(filters.country ? { originCountry: filters.country } : {}),
        ...(cityKey(filters.city) ? { cityKey: cityKey(filters.city)! } : {}),
        ...(filters.near ? { bbox: boundingBox(filters.near) } : {}),
      });
    } else {
      if (viewer.originCountry) channels.push({ originCountry: viewer.originCountry });
      const city = cityKey(viewer.residenceCity);
      if (viewer.residenceCountry && city) channels.push({ residenceCountry: viewer.residenceCountry, cityKey: city });
      if (channels.length === 0) channels.push({});
    }
    return {
      fetch: async (before, limit) => {
        const lists = await this.deps.store.listPostsMany(
          channels.map((channel) => ({ ...narrow, ...channel })),
          { ...(before ? { before } : {}), limit },
        );
        return lists.map((posts) => posts.map((post) => (matches(post, filters) ? post : placeholder(post.id))));
      },
    };
  }

  /**
   * Merges the sources newest first. Each round asks every source for the next `limit` posts below the boundary;
   * everything above the highest "last id" of a source that still has more is complete, so it can be taken in
   * order. Posts the viewer may not read, or that fail the filters, are passed over.
   */
  private async collect(
    viewer: Viewer,
    sources: Source[],
    filters: PostFilters,
    before: string | undefined,
    limit: number,
  ) {
    const taken: Post[] = [];
    const seen = new Set<string>();
    let boundary = before;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const batches = (await Promise.all(sources.map((source) => source.fetch(boundary, limit)))).flat(1);
      const floors = batches.filter((batch) => batch.length === limit).map((batch) => batch.at(-1)!.id);
      const floor = floors.sort().at(-1); // the highest (ids sort as strings)
      const candidates = new Map<string, Post>();
      for (const post of batches.flat()) if (!floor || post.id >= floor) candidates.set(post.id, post);
      const ordered = [...candidates.values()].filter((post) => !seen.has(post.id) && !isPlaceholder(post));
      ordered.sort((a, b) => (a.id < b.id ? 1 : -1));
      const readable = new Set((await this.deps.presenter.readable(viewer, ordered)).map((post) => post.id));
      for (const post of ordered) {
        seen.add(post.id);
        if (!readable.has(post.id) || !matches(post, filters)) continue;
        taken.push(post);
        if (taken.length === limit) return { posts: taken, last: post.id, more: true };
      }
      if (!floor) return { posts: taken, last: taken.at(-1)?.id, more: false };
      boundary = floor;
    }
    // Sparse matches: return what was found; the cursor continues below everything examined.
    return { posts: taken, last: boundary, more: true };
  }
}

function placeholder(id: string): Post {
  return { id, authorId: '', moderation: { state: 'removed' } } as unknown as Post;
}

const isPlaceholder = (post: Post) => post.authorId === '';

function matches(post: Post, filters: PostFilters): boolean {
  if (!post.authorId) return false;
  if (filters.country && post.originCountry !== filters.country) return false;
  if (filters.city && cityKey(post.residenceCity) !== cityKey(filters.city)) return false;
  if (filters.language && post.language !== filters.language) return false;
  if (filters.domain && post.domain !== filters.domain) return false;
  if (filters.near && (!post.location || distanceKm(post.location, filters.near) > filters.near.radiusKm)) return false;
  return true;
}

/** Newest first, with engagement lifting a post a few places within its page. */
export function rankWithinPage(posts: Post[]): Post[] {
  const n = posts.length;
  return posts
    .map((post, index) => ({
      post,
      score:
        n - index + ENGAGEMENT_WEIGHT * Math.log2(1 + post.likeCount + 2 * post.commentCount + 3 * post.shareCount),
    }))
    .sort((a, b) => b.score - a.score)
    .map(({ post }) => post);
}
