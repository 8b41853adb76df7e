import { MemberReported } from '@diaspora/events';
import { contentV1, createClient, implement, userV1 } from '@diaspora/proto';
import { createUnitOfWork, defineService, every, userData } from '@diaspora/service-kit';
import { openStorage } from '@diaspora/service-kit/storage';
import { UserDirectory } from './clients/user-directory.js';
import { contentConfig } from './config.js';
import { EventsFeed } from './domain/feed/events-feed.js';
import { PostsFeed } from './domain/feed/posts-feed.js';
import { SponsoredSource } from './domain/feed/sponsored.js';
import { TimelineService } from './domain/feed/timelines.js';
import { InteractionService } from './domain/interactions.js';
import { MediaLibrary } from './domain/media.js';
import { LiveTextFilter } from './domain/moderation/live-text-filter.js';
import { MemberReports } from './domain/moderation/member-reports.js';
import { ModerationService } from './domain/moderation/service.js';
import { PostService } from './domain/posts.js';
import { PostPresenter } from './domain/presenter.js';
import { UserDataService } from './domain/user-data.js';
import { contentConsumers } from './events/consumers.js';
import { settingsConsumers } from './events/settings-consumers.js';
import { moderationHandlers } from './grpc/handlers.js';
import { feedRoutes } from './http/feed-routes.js';
import { mediaRoutes } from './http/media-routes.js';
import { postRoutes } from './http/post-routes.js';
import { openContentStore } from './store/content-store/open.js';
import { migrations } from './store/migrations.js';
import { PlatformSettings } from './store/platform-settings.js';
import { contentStores } from './store/stores.js';

const HOUR = 3_600_000;

export const contentService = defineService({
  name: 'content',
  openapi: {
    title: 'Content service',
    description: 'Posts, likes, comments and shares; the two-section feed; automated and member-reported moderation.',
    version: '1.0.0',
  },
  config: contentConfig,
  migrations,
  async setup({ config, db, outbox, logger, cursors }) {
    // Adapters: media files, the content store (PostgreSQL or MongoDB), the PostgreSQL-side stores, the user service.
    const storage = openStorage(config, 'content');
    const store = await openContentStore(config, db, logger);
    const cacheMs = config.AUTHOR_CACHE_SECONDS * 1000;
    const uow = createUnitOfWork(
      db,
      outbox,
      contentStores({
        timelines: { activeDays: config.TIMELINE_ACTIVE_DAYS, maxItems: config.TIMELINE_MAX_ITEMS },
        graphCacheMs: cacheMs,
      }),
    );
    const userClient = config.USER_GRPC_ADDR
      ? createClient(userV1.UserService, config.USER_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS })
      : undefined;
    const users = new UserDirectory(userClient, uow.read.community, logger, cacheMs);

    // Use cases.
    const filter = new LiveTextFilter({
      holdScore: config.MODERATION_HOLD_SCORE,
      flagScore: config.MODERATION_FLAG_SCORE,
      ...(config.MODERATION_LEXICONS ? { lexicons: config.MODERATION_LEXICONS } : {}),
    });
    const media = new MediaLibrary({ uow, storage });
    const presenter = new PostPresenter({
      store,
      relations: (viewerId, authorIds) => uow.read.community.relations(viewerId, authorIds),
      authors: (viewerId, ids) => users.authors(viewerId, ids),
      mediaUrl: (key) => media.url(key),
    });
    const posts = new PostService({
      store,
      filter,
      presenter,
      authorCommunity: async (claims) => {
        const { originCountry, residenceCountry, residenceCity } = await users.viewer(claims);
        return {
          ...(originCountry ? { originCountry } : {}),
          ...(residenceCountry ? { residenceCountry } : {}),
          ...(residenceCity ? { residenceCity } : {}),
        };
      },
      claimMedia: (ids, ownerId, postId) => media.claim(ids, ownerId, postId),
      releaseMedia: (postId) => media.release(postId),
      limits: { postMaxChars: config.POST_MAX_CHARS, mediaMaxPerPost: config.MEDIA_MAX_PER_POST },
    });
    const interactions = new InteractionService({
      store,
      posts,
      filter,
      cursors,
      authors: (viewerId, ids) => users.authors(viewerId, ids),
      commentMaxChars: config.COMMENT_MAX_CHARS,
    });
    // Report threshold, sponsored items and word lists: what an admin set in the dashboard, else the configured values.
    const platformSettings = new PlatformSettings(db, (current) => filter.apply(current.wordLists ?? {}));
    const moderation = new ModerationService({
      store,
      presenter,
      get hideThreshold() {
        return platformSettings.current.reportThreshold ?? config.REPORT_HIDE_THRESHOLD;
      },
    });
    const memberReports = new MemberReports({
      exists: async (userId) => (await users.memberOf(userId)) !== null,
      publish: (data) => uow.run((scope) => scope.publish(MemberReported, data)),
    });
    const postsFeed = new PostsFeed({
      store,
      timelines: new TimelineService({ store, uow, users, logger }),
      presenter,
      cursors,
      sponsored: new SponsoredSource({
        get every() {
          return platformSettings.current.sponsoredFeed?.every ?? config.SPONSORED_FEED?.every ?? 8;
        },
        get items() {
          return platformSettings.current.sponsoredFeed?.items ?? config.SPONSORED_FEED?.items ?? [];
        },
      }),
    });
    const eventsFeed = new EventsFeed({ cards: uow.read.cards, cursors });
    const privacy = new UserDataService({ uow, store, storage, logger });

    return {
      async routes(app) {
        await postRoutes(app, {
          posts,
          interactions,
          presenter,
          users,
          db,
          limits: { postMaxChars: config.POST_MAX_CHARS, commentMaxChars: config.COMMENT_MAX_CHARS },
        });
        await feedRoutes(app, { postsFeed, eventsFeed, moderation, memberReports, users, cursors });
        await mediaRoutes(app, { storage, media, maxBytes: config.MEDIA_MAX_BYTES });
      },
      grpc: [implement(contentV1.ContentModeration, moderationHandlers(moderation), logger)],
      consumers: [...contentConsumers({ db, uow, store, moderation }), ...settingsConsumers(db, platformSettings)],
      userData: userData(uow, {
        export: (userId) => privacy.export(userId),
        erase: (scope, userId) => privacy.erase(scope, userId),
      }),
      chores: [
        every('unattached media cleanup', HOUR, () => media.removeUnattached()),
        every('platform settings refresh', 30_000, () => platformSettings.refresh()),
      ],
      checks: { contentStore: () => store.ping(), storage: () => storage.ping() },
      async close() {
        userClient?.close();
        await store.close();
      },
    };
  },
});
