/** The content service's records, as every content-store adapter keeps them. */

export const VISIBILITIES = ['public', 'connections', 'country', 'city'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/**
 * Moderation states. `published` and `flagged` (borderline, awaiting review) are visible; `held` (the filter
 * stopped it), `hidden` (reports reached the threshold) and `removed` (taken down) are seen by the author only.
 */
export const MODERATION_STATES = ['published', 'flagged', 'held', 'hidden', 'removed'] as const;
export type ModerationState = (typeof MODERATION_STATES)[number];
export const VISIBLE_STATES: readonly ModerationState[] = ['published', 'flagged'];
export const QUEUE_STATES: readonly ModerationState[] = ['held', 'flagged', 'hidden'];

export type TargetType = 'post' | 'comment';

export interface MediaRef {
  id: string;
  key: string;
  contentType: string;
  size: number;
}

/** Where the author stood when writing: feeds, visibility and moderation scopes use this, never later moves. */
export interface Community {
  originCountry?: string;
  residenceCountry?: string;
  residenceCity?: string;
}

export interface Moderation {
  state: ModerationState;
  score: number;
  labels: string[];
  /** Distinct reporters since the last moderator decision. */
  reportCount: number;
  moderatedBy?: string;
  moderatedAt?: Date;
}

export interface PostEdit {
  text: string;
  tags: string[];
  editedAt: Date;
}

export interface Post extends Community {
  id: string;
  authorId: string;
  text: string;
  tags: string[];
  mentions: string[];
  links: string[];
  language: string;
  visibility: Visibility;
  domain?: string;
  location?: { lat: number; lon: number };
  media: MediaRef[];
  sharedPostId?: string;
  likeCount: number;
  commentCount: number;
  shareCount: number;
  moderation: Moderation;
  /** Set once the post was first visible (its content.post.published went out). */
  publishedAt?: Date;
  createdAt: Date;
  editedAt?: Date;
  deletedAt?: Date;
  history: PostEdit[];
  /** Optimistic concurrency for edits. */
  version: number;
}

export interface Comment extends Community {
  id: string;
  postId: string;
  authorId: string;
  /** One level of replies: a reply's parent is a top-level comment. */
  parentId?: string;
  text: string;
  mentions: string[];
  language: string;
  moderation: Moderation;
  createdAt: Date;
  deletedAt?: Date;
}

export interface Report {
  id: string;
  targetType: TargetType;
  targetId: string;
  reporterId: string;
  reason: string;
  createdAt: Date;
}

/** Someone reading: their id, communities and tier. */
export interface Viewer {
  id: string;
  tier: 'free' | 'premium';
  originCountry?: string;
  residenceCountry?: string;
  residenceCity?: string;
  languages: string[];
}

export function isVisibleState(state: ModerationState): boolean {
  return VISIBLE_STATES.includes(state);
}

/** Cities compare without case or surrounding space ("Paris" = "paris "). */
export function cityKey(city: string | undefined): string | undefined {
  const key = city?.trim().toLocaleLowerCase('en');
  return key ? key : undefined;
}
