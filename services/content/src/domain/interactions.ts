import { CommentCreated, LikeCreated } from '@diaspora/events';
import { type CursorCodec, newId, problems } from '@diaspora/service-kit';
import { event, verdictEvents } from './events.js';
import { type Comment, isVisibleState, type Post, type Viewer } from './model.js';
import type { TextFilter } from './moderation/text-filter.js';
import type { ContentStore } from './ports.js';
import type { PostService } from './posts.js';
import { stateFor } from './posts.js';
import { parseText, resolveLanguage } from './text.js';

export interface CommentView {
  id: string;
  postId: string;
  authorId: string;
  author: { id: string; displayName: string; avatarUrl?: string };
  parentId?: string;
  text: string;
  mentions: string[];
  language: string;
  /** Only on your own comments. */
  moderationState?: Comment['moderation']['state'];
  createdAt: string;
}

export interface InteractionDeps {
  store: ContentStore;
  posts: PostService;
  filter: TextFilter;
  cursors: CursorCodec;
  authors(
    viewerId: string,
    ids: string[],
  ): Promise<Map<string, { id: string; displayName: string; avatarUrl?: string }>>;
  commentMaxChars: number;
}

const isId = (value: unknown): value is string => typeof value === 'string' && /^cmt_[0-9a-z]{26}$/.test(value);

/** Likes and comments on posts members can read and that are visible (held, hidden or removed ones take none). */
export class InteractionService {
  constructor(private readonly deps: InteractionDeps) {}

  private async visiblePost(viewer: Viewer, postId: string): Promise<Post> {
    const post = await this.deps.posts.readable(viewer, postId);
    if (!isVisibleState(post.moderation.state))
      throw problems.conflict(
        'This post is not visible to members: it takes no likes or comments.',
        'post-not-visible',
      );
    return post;
  }

  async like(viewer: Viewer, postId: string): Promise<{ liked: true; likeCount: number }> {
    const post = await this.visiblePost(viewer, postId);
    const now = new Date();
    const created = await this.deps.store.addLike(postId, viewer.id, now, [
      event(LikeCreated, { postId, postAuthorId: post.authorId, userId: viewer.id, at: now.toISOString() }, now),
    ]);
    const after = await this.deps.store.getPost(postId);
    return { liked: true, likeCount: after?.likeCount ?? post.likeCount + (created ? 1 : 0) };
  }

  async unlike(viewer: Viewer, postId: string): Promise<{ liked: false; likeCount: number }> {
    const post = await this.deps.posts.readable(viewer, postId);
    await this.deps.store.removeLike(postId, viewer.id);
    const after = await this.deps.store.getPost(postId);
    return { liked: false, likeCount: after?.likeCount ?? post.likeCount };
  }

  async comment(viewer: Viewer, postId: string, input: { text: string; parentId?: string; language?: string }) {
    const post = await this.visiblePost(viewer, postId);
    const parsed = parseText(input.text, { field: 'text', maxChars: this.deps.commentMaxChars });
    const language = resolveLanguage(input.language, parsed.text);
    let parent: Comment | null = null;
    if (input.parentId) {
      parent = await this.deps.store.getComment(input.parentId);
      if (!parent || parent.postId !== postId || parent.deletedAt || !isVisibleState(parent.moderation.state))
        throw problems.validation([{ field: 'parentId', message: 'must be a visible comment of this post' }]);
      if (parent.parentId)
        throw problems.validation([{ field: 'parentId', message: 'replies go one level deep: reply to the comment' }]);
    }
    const verdict = this.deps.filter.evaluate(parsed.text, language);
    const now = new Date();
    const comment: Comment = {
      id: newId('cmt'),
      postId,
      authorId: viewer.id,
      ...(parent ? { parentId: parent.id } : {}),
      text: parsed.text,
      mentions: parsed.mentions,
      language,
      ...(viewer.originCountry ? { originCountry: viewer.originCountry } : {}),
      ...(viewer.residenceCountry ? { residenceCountry: viewer.residenceCountry } : {}),
      ...(viewer.residenceCity ? { residenceCity: viewer.residenceCity } : {}),
      moderation: { state: stateFor(verdict), score: verdict.score, labels: verdict.labels, reportCount: 0 },
      createdAt: now,
    };
    const events = [
      ...(isVisibleState(comment.moderation.state)
        ? [event(CommentCreated, createdData(comment, post, parent), now)]
        : []),
      ...verdictEvents('comment', comment, verdict, now),
    ];
    await this.deps.store.insertComment(comment, events);
    return (await this.present(viewer, [comment]))[0]!;
  }

  async comments(viewer: Viewer, postId: string, cursor: string | undefined, limit: number) {
    await this.deps.posts.readable(viewer, postId);
    const binding = `comments:${postId}`;
    const after = cursor ? this.deps.cursors.decode(cursor, binding, isId) : undefined;
    const page = await this.deps.store.listComments(postId, { ...(after ? { after } : {}), limit: limit + 1 });
    const items = page.slice(0, limit);
    return {
      items: await this.present(viewer, items),
      nextCursor: page.length > limit ? this.deps.cursors.encode(binding, items.at(-1)!.id) : null,
    };
  }

  /** The comment's author, or the post's author (moderating their own thread), may delete it. */
  async deleteComment(viewer: Viewer, commentId: string): Promise<void> {
    const comment = await this.deps.store.getComment(commentId);
    if (!comment || comment.deletedAt) throw problems.notFound('comment');
    const post = await this.deps.store.getPost(comment.postId);
    if (comment.authorId !== viewer.id && post?.authorId !== viewer.id)
      throw problems.forbidden('Only the comment’s author or the post’s author may delete it.');
    await this.deps.store.deleteComment(commentId, new Date(), []);
  }

  private async present(viewer: Viewer, comments: Comment[]): Promise<CommentView[]> {
    const authors = await this.deps.authors(viewer.id, [...new Set(comments.map((comment) => comment.authorId))]);
    return comments.map((comment) => ({
      id: comment.id,
      postId: comment.postId,
      authorId: comment.authorId,
      author: authors.get(comment.authorId) ?? { id: comment.authorId, displayName: 'Former member' },
      ...(comment.parentId ? { parentId: comment.parentId } : {}),
      text: comment.text,
      mentions: comment.mentions,
      language: comment.language,
      ...(comment.authorId === viewer.id ? { moderationState: comment.moderation.state } : {}),
      createdAt: comment.createdAt.toISOString(),
    }));
  }
}

export function createdData(comment: Comment, post: Post, parent: Comment | null) {
  return {
    commentId: comment.id,
    postId: post.id,
    postAuthorId: post.authorId,
    authorId: comment.authorId,
    ...(parent ? { parentId: parent.id, parentAuthorId: parent.authorId } : {}),
    text: comment.text,
    language: comment.language,
    mentions: comment.mentions,
    at: comment.createdAt.toISOString(),
  };
}
