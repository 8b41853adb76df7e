import type { Comment, Moderation, Post, Report } from '../../domain/model.js';
import { cityKey } from '../../domain/model.js';

/** Dates travel as ISO strings inside JSON documents (PostgreSQL JSONB); these turn them back into Dates. */
const date = (value: unknown): Date | undefined =>
  value === undefined || value === null ? undefined : new Date(value as string);

function moderationFrom(raw: Record<string, unknown> | undefined, state: string, reportCount: number): Moderation {
  const moderatedAt = date(raw?.moderatedAt);
  return {
    state: state as Moderation['state'],
    score: Number(raw?.score ?? 0),
    labels: (raw?.labels as string[] | undefined) ?? [],
    reportCount,
    ...(raw?.moderatedBy ? { moderatedBy: raw.moderatedBy as string } : {}),
    ...(moderatedAt ? { moderatedAt } : {}),
  };
}

/** Removes keys whose value is undefined, so optional fields stay absent rather than null. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

/** Hot path of every feed page: builds the post without intermediate objects. */
export function postFromDoc(
  doc: Record<string, unknown>,
  columns: {
    state: string;
    reportCount: number;
    likeCount: number;
    commentCount: number;
    shareCount: number;
    version: number;
    deletedAt?: Date | null;
  },
): Post {
  const post: Post = {
    id: doc.id as string,
    authorId: doc.authorId as string,
    text: doc.text as string,
    tags: (doc.tags as string[]) ?? [],
    mentions: (doc.mentions as string[]) ?? [],
    links: (doc.links as string[]) ?? [],
    language: doc.language as string,
    visibility: doc.visibility as Post['visibility'],
    media: (doc.media as Post['media']) ?? [],
    likeCount: columns.likeCount,
    commentCount: columns.commentCount,
    shareCount: columns.shareCount,
    moderation: moderationFrom(doc.moderation as Record<string, unknown>, columns.state, columns.reportCount),
    createdAt: new Date(doc.createdAt as string),
    history: ((doc.history as Record<string, unknown>[]) ?? []).map((edit) => ({
      text: edit.text as string,
      tags: (edit.tags as string[]) ?? [],
      editedAt: new Date(edit.editedAt as string),
    })),
    version: columns.version,
  };
  for (const key of [
    'domain',
    'location',
    'sharedPostId',
    'originCountry',
    'residenceCountry',
    'residenceCity',
  ] as const)
    if (doc[key] !== undefined && doc[key] !== null) (post as unknown as Record<string, unknown>)[key] = doc[key];
  if (doc.publishedAt) post.publishedAt = new Date(doc.publishedAt as string);
  if (doc.editedAt) post.editedAt = new Date(doc.editedAt as string);
  if (columns.deletedAt) post.deletedAt = columns.deletedAt;
  return post;
}

export function commentFromDoc(
  doc: Record<string, unknown>,
  columns: { state: string; reportCount: number; deletedAt?: Date | null },
): Comment {
  return compact({
    id: doc.id as string,
    postId: doc.postId as string,
    authorId: doc.authorId as string,
    parentId: (doc.parentId as string | undefined) ?? undefined,
    text: doc.text as string,
    mentions: (doc.mentions as string[]) ?? [],
    language: doc.language as string,
    originCountry: (doc.originCountry as string | undefined) ?? undefined,
    residenceCountry: (doc.residenceCountry as string | undefined) ?? undefined,
    residenceCity: (doc.residenceCity as string | undefined) ?? undefined,
    moderation: moderationFrom(doc.moderation as Record<string, unknown>, columns.state, columns.reportCount),
    createdAt: new Date(doc.createdAt as string),
    deletedAt: columns.deletedAt ?? undefined,
  });
}

export function reportFromRow(row: Record<string, unknown>): Report {
  return {
    id: row.id as string,
    targetType: row.target_type as Report['targetType'],
    targetId: row.target_id as string,
    reporterId: row.reporter_id as string,
    reason: row.reason as string,
    createdAt: new Date(row.created_at as string),
  };
}

/** The searchable key of an item's city, shared by both adapters. */
export const cityKeyOf = (item: { residenceCity?: string }) => cityKey(item.residenceCity) ?? null;
