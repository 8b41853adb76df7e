import type { contentV1 } from '@diaspora/proto';
import { problems } from '@diaspora/service-kit';
import type { ModerationState, TargetType } from '../domain/model.js';
import type { ModerationItem, ModerationService } from '../domain/moderation/service.js';
import type { ModeratorIdentity } from '../domain/rules.js';

const STATES = new Set(['held', 'flagged', 'hidden', 'removed']);

function moderator(request: { moderator?: contentV1.Moderator }): ModeratorIdentity {
  const given = request.moderator;
  if (!given?.userId) throw problems.badRequest('moderator.user_id is required');
  return {
    userId: given.userId,
    roles: given.roles,
    ...(given.country ? { country: given.country } : {}),
    ...(given.city ? { city: given.city } : {}),
  };
}

function target(value: string): TargetType {
  if (value !== 'post' && value !== 'comment') throw problems.badRequest('target_type must be post or comment');
  return value;
}

function toMessage(item: ModerationItem): contentV1.ModerationItem {
  return {
    targetType: item.targetType,
    targetId: item.targetId,
    postId: item.postId,
    authorId: item.authorId,
    text: item.text,
    language: item.language,
    state: item.state,
    score: item.score,
    labels: item.labels,
    reportCount: item.reportCount,
    originCountry: item.originCountry ?? '',
    residenceCountry: item.residenceCountry ?? '',
    residenceCity: item.residenceCity ?? '',
    createdAt: item.createdAt,
    moderatedBy: item.moderatedBy ?? '',
    moderatedAt: item.moderatedAt ?? '',
  };
}

/** gRPC ContentModeration, for the admin service: the same rules and scopes as the HTTP moderation routes. */
export function moderationHandlers(moderation: ModerationService): contentV1.ContentModerationHandlers {
  return {
    async listQueue(request) {
      const states = request.states.filter((state) => STATES.has(state)) as ModerationState[];
      if (states.length !== request.states.length) throw problems.badRequest('states: held, flagged, hidden, removed');
      const pageSize = request.pageSize || 20;
      if (pageSize < 1 || pageSize > 100) throw problems.badRequest('page_size must be 1..100');
      if (request.pageToken && !/^(pst|cmt)_[0-9a-z]{26}$/.test(request.pageToken))
        throw problems.badRequest('page_token is invalid');
      const page = await moderation.queue(moderator(request), {
        ...(states.length ? { states } : {}),
        ...(request.targetType ? { targetType: target(request.targetType) } : {}),
        page: { ...(request.pageToken ? { before: request.pageToken } : {}), limit: pageSize },
      });
      return { items: page.items.map(toMessage), nextPageToken: page.next ?? '' };
    },
    async getItem(request) {
      return toMessage(await moderation.item(moderator(request), target(request.targetType), request.targetId));
    },
    async takeDown(request) {
      if (!request.reason) throw problems.badRequest('reason is required');
      return toMessage(
        await moderation.takeDown(moderator(request), target(request.targetType), request.targetId, request.reason),
      );
    },
    async restore(request) {
      if (!request.reason) throw problems.badRequest('reason is required');
      return toMessage(
        await moderation.restore(moderator(request), target(request.targetType), request.targetId, request.reason),
      );
    },
  };
}
