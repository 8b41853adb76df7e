import type { Post, Viewer } from './model.js';
import type { AuthorView, ContentStore } from './ports.js';
import { canRead, type Relation } from './rules.js';

export interface MediaView {
  id: string;
  url: string;
  contentType: string;
  size: number;
}

/** A post as members see it (API.md's post shape, plus fields added since). */
export interface PostView {
  id: string;
  authorId: string;
  author: AuthorView;
  text: string;
  tags: string[];
  mentions: string[];
  links: string[];
  language: string;
  visibility: Post['visibility'];
  domain?: string;
  location?: { lat: number; lon: number };
  media: MediaView[];
  likeCount: number;
  commentCount: number;
  shareCount: number;
  likedByMe: boolean;
  sharedPostId?: string;
  /** The shared post, when this viewer may read it. */
  sharedPost?: PostView;
  /** Only on your own posts: where moderation stands (held, hidden and removed posts are yours alone to see). */
  moderationState?: Post['moderation']['state'];
  createdAt: string;
  editedAt?: string;
}

export interface PresenterDeps {
  store: ContentStore;
  relations(viewerId: string, authorIds: string[]): Promise<Map<string, Relation>>;
  authors(viewerId: string, ids: string[]): Promise<Map<string, AuthorView>>;
  mediaUrl(key: string): Promise<string>;
}

/** Read access and presentation of posts: who may see what, with names, media links and counters. */
export class PostPresenter {
  constructor(private readonly deps: PresenterDeps) {}

  /** The posts this viewer may read, in the order given. */
  async readable(viewer: Viewer, posts: Post[]): Promise<Post[]> {
    const relations = await this.deps.relations(viewer.id, [...new Set(posts.map((post) => post.authorId))]);
    return posts.filter((post) =>
      canRead(post, viewer, relations.get(post.authorId) ?? { connected: false, blocked: false }),
    );
  }

  async canRead(viewer: Viewer, post: Post): Promise<boolean> {
    return (await this.readable(viewer, [post])).length === 1;
  }

  /** Views of readable posts (the caller filtered them), with their shared posts when readable too. */
  async present(viewer: Viewer, posts: Post[]): Promise<PostView[]> {
    const sharedIds = [...new Set(posts.flatMap((post) => (post.sharedPostId ? [post.sharedPostId] : [])))];
    const shared = sharedIds.length ? await this.readable(viewer, await this.deps.store.getPosts(sharedIds)) : [];
    const all = [...posts, ...shared];
    const ids = [...new Set(all.map((post) => post.id))];
    const [authors, liked] = await Promise.all([
      this.deps.authors(viewer.id, [...new Set(all.map((post) => post.authorId))]),
      this.deps.store.likedBy(viewer.id, ids),
    ]);
    const viewOf = async (post: Post): Promise<PostView> => ({
      id: post.id,
      authorId: post.authorId,
      author: authors.get(post.authorId) ?? { id: post.authorId, displayName: 'Former member' },
      text: post.text,
      tags: post.tags,
      mentions: post.mentions,
      links: post.links,
      language: post.language,
      visibility: post.visibility,
      ...(post.domain ? { domain: post.domain } : {}),
      ...(post.location ? { location: post.location } : {}),
      media: await Promise.all(
        post.media.map(async (media) => ({
          id: media.id,
          url: await this.deps.mediaUrl(media.key),
          contentType: media.contentType,
          size: media.size,
        })),
      ),
      likeCount: post.likeCount,
      commentCount: post.commentCount,
      shareCount: post.shareCount,
      likedByMe: liked.has(post.id),
      ...(post.sharedPostId ? { sharedPostId: post.sharedPostId } : {}),
      ...(post.authorId === viewer.id ? { moderationState: post.moderation.state } : {}),
      createdAt: post.createdAt.toISOString(),
      ...(post.editedAt ? { editedAt: post.editedAt.toISOString() } : {}),
    });
    const sharedViews = new Map(await Promise.all(shared.map(async (post) => [post.id, await viewOf(post)] as const)));
    return Promise.all(
      posts.map(async (post) => {
        const view = await viewOf(post);
        const original = post.sharedPostId ? sharedViews.get(post.sharedPostId) : undefined;
        return original ? { ...view, sharedPost: original } : view;
      }),
    );
  }
}
