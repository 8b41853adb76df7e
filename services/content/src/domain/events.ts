import {
  ContentFlagged,
  ContentHeld,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
  type PostPublished,
} from '@diaspora/events';
import { buildEnvelope } from '@diaspora/service-kit';
import type { Comment, Post, TargetType } from './model.js';
import type { Verdict } from './moderation/text-filter.js';

/** An envelope from this service, ready to be stored with the change it describes. */
export function event<D extends EventDefinition>(definition: D, data: EventData<D>, at?: Date): EventEnvelope {
  return buildEnvelope('content', definition, data, at ? { occurredAt: at } : {});
}

const optional = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });

export function postSnapshot(post: Post): EventData<typeof PostPublished> {
  return {
    postId: post.id,
    authorId: post.authorId,
    text: post.text,
    tags: post.tags,
    mentions: post.mentions,
    language: post.language,
    visibility: post.visibility,
    ...optional('domain', post.domain),
    ...optional('originCountry', post.originCountry),
    ...optional('residenceCountry', post.residenceCountry),
    ...optional('residenceCity', post.residenceCity),
    ...optional('sharedPostId', post.sharedPostId),
    mediaCount: post.media.length,
    createdAt: post.createdAt.toISOString(),
  };
}

export function moderationFields(target: TargetType, item: Post | Comment, at: Date) {
  return {
    targetType: target,
    targetId: item.id,
    postId: target === 'post' ? item.id : (item as Comment).postId,
    authorId: item.authorId,
    ...optional('originCountry', item.originCountry),
    ...optional('residenceCountry', item.residenceCountry),
    ...optional('residenceCity', item.residenceCity),
    at: at.toISOString(),
  };
}

/** The moderation events of the automated filter's verdict on new or edited text. */
export function verdictEvents(target: TargetType, item: Post | Comment, verdict: Verdict, at: Date): EventEnvelope[] {
  if (verdict.action === 'hold')
    return [
      event(
        ContentHeld,
        {
          ...moderationFields(target, item, at),
          score: verdict.score,
          labels: verdict.labels,
          language: item.language,
        },
        at,
      ),
    ];
  if (verdict.action === 'flag')
    return [
      event(
        ContentFlagged,
        {
          ...moderationFields(target, item, at),
          source: 'filter',
          hidden: false,
          score: verdict.score,
          labels: verdict.labels,
        },
        at,
      ),
    ];
  return [];
}
