import {
  bearerSecurity,
  type CursorCodec,
  callerOf,
  type HttpApp,
  problemResponses,
  problems,
} from '@diaspora/service-kit';
import type { EventsFeed } from '../domain/feed/events-feed.js';
import type { Near } from '../domain/feed/geo.js';
import type { PostsFeed } from '../domain/feed/posts-feed.js';
import type { MemberReports } from '../domain/moderation/member-reports.js';
import type { ModerationService } from '../domain/moderation/service.js';
import type { ViewerDirectory } from '../domain/ports.js';
import { moderatorFromClaims } from '../domain/rules.js';
import {
  FeedPage,
  FeedQuery,
  ModerationActionBody,
  ModerationItemView,
  QueuePage,
  QueueQuery,
  ReportBody,
  ReportView,
} from './schemas.js';

function parseNear(near: string | undefined, radiusKm: number | undefined): Near | undefined {
  if (!near) return undefined;
  const [lat, lon] = near.split(',').map(Number) as [number, number];
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180)
    throw problems.validation([{ field: 'near', message: 'latitude within ±90 and longitude within ±180' }]);
  return { lat, lon, radiusKm: radiusKm ?? 25 };
}

/** The two-section feed, reports, and moderation by ambassadors, consuls and super users. */
export async function feedRoutes(
  app: HttpApp,
  deps: {
    postsFeed: PostsFeed;
    eventsFeed: EventsFeed;
    moderation: ModerationService;
    memberReports: MemberReports;
    users: ViewerDirectory;
    cursors: CursorCodec;
  },
): Promise<void> {
  const { postsFeed, eventsFeed, moderation, memberReports, users, cursors } = deps;

  app.get(
    '/api/v1/content/feed',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['feed'],
        security: bearerSecurity,
        summary: 'The feed: section=posts (people you follow, your communities) or section=events (upcoming)',
        description:
          'Filters: country (origin country of authors / event country), city, near=lat,lon with radiusKm, language, ' +
          'domain. Pages with `cursor` (nextCursor of the previous page): no item repeats or is skipped while new ' +
          'posts arrive; a cursor altered, or used with other filters or by another member, is refused with 400. ' +
          'Free-tier members see sponsored items in the posts section; premium members never do.',
        querystring: FeedQuery,
        response: { 200: FeedPage, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { section, cursor, limit = 20, near, radiusKm, ...rest } = request.query;
      const viewer = await users.viewer(callerOf(request));
      const nearPoint = parseNear(near, radiusKm);
      const filters = { ...rest, ...(nearPoint ? { near: nearPoint } : {}) };
      const page =
        section === 'events'
          ? await eventsFeed.page(viewer, filters, cursor, limit)
          : await postsFeed.page(viewer, filters, cursor, limit);
      return { section, ...page };
    },
  );

  app.post(
    '/api/v1/content/reports',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['moderation'],
        security: bearerSecurity,
        summary: 'Report a post, comment or member (posts and comments: once per member; enough reports hide them)',
        body: ReportBody,
        response: { 200: ReportView, 201: ReportView, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const viewer = await users.viewer(callerOf(request));
      const { targetType, targetId, reason } = request.body;
      if (targetType === 'user') {
        // Members are reported to the admin queue, which counts each reporter once: never a duplicate here.
        const report = await memberReports.report(viewer, { targetId, reason });
        return reply.code(201).send({ ...report, createdAt: report.createdAt.toISOString(), duplicate: false });
      }
      if (targetId.startsWith('usr_'))
        throw problems.validation([{ field: 'targetId', message: `is not a ${targetType} id` }]);
      const result = await moderation.report(viewer, { targetType, targetId, reason });
      const { report } = result;
      return reply.code(result.created ? 201 : 200).send({
        id: report.id,
        targetType: report.targetType,
        targetId: report.targetId,
        reason: report.reason,
        createdAt: report.createdAt.toISOString(),
        duplicate: !result.created,
      });
    },
  );

  app.get(
    '/api/v1/content/moderation/queue',
    {
      onRequest: app.requireRole('super', 'ambassador', 'consul'),
      schema: {
        tags: ['moderation'],
        security: bearerSecurity,
        summary: 'Held, flagged and hidden content within your scope (ambassador: country, consul: city)',
        querystring: QueueQuery,
        response: { 200: QueuePage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { state, targetType, limit = 20, cursor } = request.query;
      const before = cursor ? cursors.decode(cursor, `queue:${callerOf(request).sub}`, isItemId) : undefined;
      const page = await moderation.queue(moderatorFromClaims(await users.confirmRoles(callerOf(request))), {
        ...(state ? { states: [state] } : {}),
        ...(targetType ? { targetType } : {}),
        page: { ...(before ? { before } : {}), limit },
      });
      return {
        items: page.items,
        nextCursor: page.next ? cursors.encode(`queue:${callerOf(request).sub}`, page.next) : null,
      };
    },
  );

  app.post(
    '/api/v1/content/moderation/actions',
    {
      onRequest: app.requireRole('super', 'ambassador', 'consul'),
      schema: {
        tags: ['moderation'],
        security: bearerSecurity,
        summary: 'Take down or restore a post or comment within your scope',
        body: ModerationActionBody,
        response: { 200: ModerationItemView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { action, targetType, targetId, reason } = request.body;
      const moderator = moderatorFromClaims(await users.confirmRoles(callerOf(request)));
      return action === 'takedown'
        ? moderation.takeDown(moderator, targetType, targetId, reason)
        : moderation.restore(moderator, targetType, targetId, reason);
    },
  );
}

const isItemId = (value: unknown): value is string =>
  typeof value === 'string' && /^(pst|cmt)_[0-9a-z]{26}$/.test(value);
