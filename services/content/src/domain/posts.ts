import { PostDeleted, PostPublished, PostShared, PostUpdated } from '@diaspora/events';
import { type AccessClaims, newId, Problem, problems } from '@diaspora/service-kit';
import { event, postSnapshot, verdictEvents } from './events.js';
import { isVisibleState, type MediaRef, type Moderation, type Post, type Viewer, type Visibility } from './model.js';
import type { TextFilter, Verdict } from './moderation/text-filter.js';
import type { ContentStore, PostChanges } from './ports.js';
import type { PostPresenter } from './presenter.js';
import { mergeTags, parseText, resolveLanguage } from './text.js';

export interface NewPostInput {
  text: string;
  media?: string[];
  tags?: string[];
  language?: string;
  visibility: Visibility;
  domain?: string;
  location?: { lat: number; lon: number };
}

export interface PostPatch {
  text?: string;
  tags?: string[];
  language?: string;
  visibility?: Visibility;
  domain?: string | null;
}

export interface PostDeps {
  store: ContentStore;
  filter: TextFilter;
  presenter: PostPresenter;
  /** The author's communities when writing (kept on the post). */
  authorCommunity(claims: AccessClaims): Promise<Pick<Viewer, 'originCountry' | 'residenceCountry' | 'residenceCity'>>;
  claimMedia(ids: string[], ownerId: string, postId: string): Promise<MediaRef[] | null>;
  releaseMedia(postId: string): Promise<void>;
  limits: { postMaxChars: number; mediaMaxPerPost: number };
}

export function stateFor(verdict: Verdict): Moderation['state'] {
  return verdict.action === 'hold' ? 'held' : verdict.action === 'flag' ? 'flagged' : 'published';
}

/** Posts: create (with media, tags, language, moderation), share, edit with history, delete. */
export class PostService {
  constructor(private readonly deps: PostDeps) {}

  async create(claims: AccessClaims, input: NewPostInput, sharedPost?: Post): Promise<Post> {
    const { store, filter, limits } = this.deps;
    const parsed = parseText(input.text, {
      field: 'text',
      maxChars: limits.postMaxChars,
      allowEmpty: Boolean(sharedPost),
    });
    const mediaIds = input.media ?? [];
    if (mediaIds.length > limits.mediaMaxPerPost)
      throw problems.validation(
        [{ field: 'media', message: `at most ${limits.mediaMaxPerPost} media per post` }],
        'Too many media.',
      );
    if (new Set(mediaIds).size !== mediaIds.length)
      throw problems.validation([{ field: 'media', message: 'must not repeat a media id' }]);
    const tags = mergeTags(input.tags, parsed.hashtags);
    const language = parsed.text ? resolveLanguage(input.language, parsed.text) : (input.language ?? 'und');
    const verdict = parsed.text
      ? filter.evaluate(parsed.text, language)
      : { action: 'publish' as const, score: 0, labels: [] };
    const now = new Date();
    const state = stateFor(verdict);
    const id = newId('pst');
    const community = await this.deps.authorCommunity(claims);
    const media = await this.deps.claimMedia(mediaIds, claims.sub, id);
    if (!media)
      throw problems.validation(
        [{ field: 'media', message: 'every media id must be an unused upload of yours' }],
        'Unknown or already used media.',
      );
    const post: Post = {
      id,
      authorId: claims.sub,
      text: parsed.text,
      tags,
      mentions: parsed.mentions,
      links: parsed.links,
      language,
      visibility: input.visibility,
      ...(input.domain ? { domain: input.domain } : {}),
      ...(input.location ? { location: input.location } : {}),
      media,
      ...(sharedPost ? { sharedPostId: sharedPost.id } : {}),
      ...community,
      likeCount: 0,
      commentCount: 0,
      shareCount: 0,
      moderation: { state, score: verdict.score, labels: verdict.labels, reportCount: 0 },
      ...(isVisibleState(state) ? { publishedAt: now } : {}),
      createdAt: now,
      history: [],
      version: 1,
    };
    const events = [
      ...(isVisibleState(state) ? [event(PostPublished, postSnapshot(post), now)] : []),
      ...(sharedPost && isVisibleState(state)
        ? [
            event(
              PostShared,
              {
                postId: post.id,
                sharedPostId: sharedPost.id,
                sharedPostAuthorId: sharedPost.authorId,
                userId: claims.sub,
                quote: Boolean(post.text),
                at: now.toISOString(),
              },
              now,
            ),
          ]
        : []),
      ...verdictEvents('post', post, verdict, now),
    ];
    try {
      await store.insertPost(post, events);
    } catch (error) {
      await this.deps.releaseMedia(id).catch(() => undefined);
      throw error;
    }
    return post;
  }

  /** A post this viewer may read, or 404 (never telling apart "does not exist" from "not for you"). */
  async readable(viewer: Viewer, id: string): Promise<Post> {
    const post = await this.deps.store.getPost(id);
    if (!post || !(await this.deps.presenter.canRead(viewer, post))) throw problems.notFound('post');
    return post;
  }

  async share(claims: AccessClaims, viewer: Viewer, postId: string, input: { text?: string; visibility?: Visibility }) {
    const original = await this.readable(viewer, postId);
    if (!isVisibleState(original.moderation.state))
      throw problems.conflict('This post is not visible to members and cannot be shared.', 'post-not-visible');
    return this.create(claims, { text: input.text ?? '', visibility: input.visibility ?? 'public' }, original);
  }

  private async own(viewer: Viewer, id: string): Promise<Post> {
    const post = await this.readable(viewer, id);
    if (post.authorId !== viewer.id) throw problems.forbidden('Only the author may change this post.');
    return post;
  }

  async edit(viewer: Viewer, id: string, patch: PostPatch): Promise<Post> {
    for (let attempt = 1; ; attempt++) {
      const post = await this.own(viewer, id);
      if (post.moderation.state === 'removed')
        throw problems.conflict('This post was taken down by a moderator and cannot be edited.', 'post-removed');
      const now = new Date();
      const changes: PostChanges = {};
      const changed: string[] = [];
      let verdict: Verdict | undefined;
      if (patch.text !== undefined || patch.tags !== undefined) {
        const parsed = parseText(patch.text ?? post.text, {
          field: 'text',
          maxChars: this.deps.limits.postMaxChars,
          allowEmpty: Boolean(post.sharedPostId),
        });
        // Tags not given: keep the explicit ones, replace those that came from the old text's hashtags.
        const oldHashtags = post.text ? parseText(post.text, { field: 'text', maxChars: Infinity }).hashtags : [];
        const explicit = patch.tags ?? post.tags.filter((tag) => !oldHashtags.includes(tag));
        const tags = mergeTags(explicit, parsed.hashtags);
        if (parsed.text !== post.text) {
          Object.assign(changes, { text: parsed.text, mentions: parsed.mentions, links: parsed.links });
          changed.push('text');
        }
        if (JSON.stringify(tags) !== JSON.stringify(post.tags)) {
          changes.tags = tags;
          changed.push('tags');
        }
      }
      const text = changes.text ?? post.text;
      if (patch.language !== undefined || changes.text !== undefined) {
        const language = text
          ? resolveLanguage(patch.language ?? (changes.text ? undefined : post.language), text)
          : post.language;
        if (language !== post.language) {
          changes.language = language;
          changed.push('language');
        }
      }
      if (patch.visibility && patch.visibility !== post.visibility) {
        changes.visibility = patch.visibility;
        changed.push('visibility');
      }
      if (patch.domain !== undefined && (patch.domain ?? undefined) !== post.domain) {
        changes.domain = patch.domain;
        changed.push('domain');
      }
      if (changed.length === 0) return post;
      if (changes.text !== undefined && text) {
        verdict = this.deps.filter.evaluate(text, changes.language ?? post.language);
        // Reports pending review keep a post hidden whatever its new text says.
        const state = post.moderation.state === 'hidden' ? 'hidden' : stateFor(verdict);
        changes.moderation = { ...post.moderation, state, score: verdict.score, labels: verdict.labels };
      }
      changes.editedAt = now;
      changes.history = [...post.history, { text: post.text, tags: post.tags, editedAt: now }];
      const updated: Post = { ...post, ...(changes as Partial<Post>), domain: changes.domain ?? post.domain };
      if (changes.domain === null) delete updated.domain;
      const visibleNow = isVisibleState(updated.moderation.state);
      if (visibleNow && !post.publishedAt) changes.publishedAt = now;
      const events = [
        ...(visibleNow && post.publishedAt
          ? [event(PostUpdated, { ...postSnapshot(updated), changed, editedAt: now.toISOString() }, now)]
          : []),
        ...(visibleNow && !post.publishedAt ? [event(PostPublished, postSnapshot(updated), now)] : []),
        ...(verdict && updated.moderation.state !== 'hidden' ? verdictEvents('post', updated, verdict, now) : []),
      ];
      if (await this.deps.store.updatePost(id, post.version, changes, events))
        return { ...updated, version: post.version + 1, ...(changes.publishedAt ? { publishedAt: now } : {}) };
      if (attempt >= 3) throw problems.conflict('The post changed while it was being edited; retry.', 'edit-conflict');
    }
  }

  async delete(viewer: Viewer, claims: AccessClaims, id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const post = await this.deps.store.getPost(id);
      if (!post || post.deletedAt || !(await this.deps.presenter.canRead(viewer, post)))
        throw problems.notFound('post');
      if (post.authorId !== viewer.id && !claims.roles.includes('super'))
        throw problems.forbidden('Only the author may delete this post.');
      const now = new Date();
      const events = [
        event(PostDeleted, { postId: id, authorId: post.authorId, reason: 'author', at: now.toISOString() }, now),
      ];
      if (await this.deps.store.updatePost(id, post.version, { deletedAt: now }, events)) return;
      if (attempt >= 3) throw new Problem(409, { detail: 'The post changed meanwhile; retry.' });
    }
  }
}
