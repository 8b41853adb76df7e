import { commonV1, contentV1, implement } from '@diaspora/proto';
import { defineService, purgeExpiredIdempotencyKeys, type Worker } from '@diaspora/service-kit';
import { contentConfig } from './config.js';
import { contentConsumers } from './events/consumers.js';
import { moderationHandlers, userDataHandlers } from './grpc/handlers.js';
import { feedRoutes } from './http/feed-routes.js';
import { mediaRoutes } from './http/media-routes.js';
import { postRoutes } from './http/post-routes.js';
import { buildServices, openContentStorage, openContentStore } from './services.js';
import { migrations } from './store/migrations.js';

/** Uploads never attached to a post are removed after this long. */
const UNATTACHED_MEDIA_TTL_MS = 24 * 3600 * 1000;

/** A periodic chore the runtime starts and stops with the service. */
function every(ms: number, chore: () => Promise<void>, onError: (error: unknown) => void): Worker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  return {
    start() {
      timer = setInterval(() => {
        running ??= chore()
          .catch(onError)
          .finally(() => {
            running = undefined;
          });
      }, ms);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

export const contentService = defineService({
  name: 'content',
  openapi: {
    title: 'Content service',
    description: 'Posts, likes, comments and shares; the two-section feed; automated and member-reported moderation.',
    version: '1.0.0',
  },
  config: contentConfig,
  migrations,
  async setup({ config, db, logger }) {
    const storage = openContentStorage(config);
    const store = await openContentStore(config, db, logger);
    await store.init();
    const services = buildServices({ config, db, logger, store, storage });
    const cleanup = every(
      3_600_000,
      async () => {
        const stale = await services.mediaUploads.unattachedBefore(new Date(Date.now() - UNATTACHED_MEDIA_TTL_MS), 500);
        for (const upload of stale) await storage.delete(upload.key);
        if (stale.length) await services.mediaUploads.delete(stale.map((upload) => upload.id));
        await purgeExpiredIdempotencyKeys(db);
      },
      (error) => logger.warn({ err: error }, 'content cleanup failed; will retry'),
    );
    return {
      async routes(app) {
        await postRoutes(app, services);
        await feedRoutes(app, services);
        await mediaRoutes(app, services);
      },
      grpc: [
        implement(contentV1.ContentModeration, moderationHandlers(services.moderation), logger),
        implement(commonV1.UserData, userDataHandlers(services.userData), logger),
      ],
      consumers: contentConsumers({ ...services, db }),
      workers: [cleanup],
      checks: { contentStore: () => store.ping(), storage: () => storage.ping() },
      async close() {
        services.close();
        await store.close();
      },
    };
  },
});
