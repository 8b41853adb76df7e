import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient, userV1 } from '@diaspora/proto';
import {
  type AccessClaims,
  ConfigError,
  type Database,
  type Logger,
  type ObjectStorage,
  openStorage,
  type ServiceConfig,
} from '@diaspora/service-kit';
import { UserDirectory } from './clients/user-directory.js';
import type { contentConfig } from './config.js';
import { CursorCodec } from './domain/feed/cursor.js';
import { EventsFeed } from './domain/feed/events-feed.js';
import { PostsFeed } from './domain/feed/posts-feed.js';
import { SponsoredSource } from './domain/feed/sponsored.js';
import { TimelineService } from './domain/feed/timelines.js';
import { InteractionService } from './domain/interactions.js';
import { ModerationService } from './domain/moderation/service.js';
import { TextFilter } from './domain/moderation/text-filter.js';
import type { ContentStore } from './domain/ports.js';
import { PostService } from './domain/posts.js';
import { PostPresenter } from './domain/presenter.js';
import { type ModeratorIdentity, moderatorFromClaims } from './domain/rules.js';
import { UserDataService } from './domain/user-data.js';
import { CommunityStore } from './store/community.js';
import { MongoContentStore } from './store/content-store/mongo.js';
import { PostgresContentStore } from './store/content-store/postgres.js';
import { EventCardStore } from './store/event-cards.js';
import { MediaUploadStore } from './store/media-uploads.js';
import { TimelineStore } from './store/timelines.js';

export type ContentConfig = ServiceConfig<typeof contentConfig>;

const label = 'the content service';

/**
 * A secret from the environment, else (all-in-one) one generated once and kept under DATA_DIR/content, so links
 * and cursors survive restarts. Without either, boot stops naming the variable.
 */
function secret(name: string, given: string | undefined, dataDir: string | undefined): string {
  if (given) return given;
  if (!dataDir) throw new ConfigError(`invalid configuration for ${label}:\n  - ${name}: is required (or DATA_DIR)`);
  const dir = join(resolve(dataDir), 'content');
  const file = join(dir, `${name.toLowerCase()}.secret`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

export function openContentStorage(config: ContentConfig): ObjectStorage {
  const url =
    config.STORAGE_URL ??
    (config.DATA_DIR ? pathToFileURL(join(resolve(config.DATA_DIR), 'content', 'media')).href : undefined);
  if (!url) throw new ConfigError(`invalid configuration for ${label}:\n  - STORAGE_URL: is required (or DATA_DIR)`);
  return openStorage({
    STORAGE_URL: url,
    STORAGE_PUBLIC_URL: config.STORAGE_PUBLIC_URL,
    ...(url.startsWith('file:')
      ? { STORAGE_SIGNING_SECRET: secret('STORAGE_SIGNING_SECRET', config.STORAGE_SIGNING_SECRET, config.DATA_DIR) }
      : {}),
  });
}

export async function openContentStore(config: ContentConfig, db: Database, logger: Logger): Promise<ContentStore> {
  if (config.CONTENT_STORE === 'postgres') return new PostgresContentStore(db);
  if (!config.MONGO_URL)
    throw new ConfigError(`invalid configuration for ${label}:\n  - MONGO_URL: is required when CONTENT_STORE=mongodb`);
  return MongoContentStore.connect(config.MONGO_URL, db, logger);
}

/** Everything the routes, gRPC handlers and consumers use, wired once. */
export function buildServices(context: {
  config: ContentConfig;
  db: Database;
  logger: Logger;
  store: ContentStore;
  storage: ObjectStorage;
}) {
  const { config, db, logger, store, storage } = context;
  const community = new CommunityStore(db, config.AUTHOR_CACHE_SECONDS * 1000);
  const timelines = new TimelineStore(db, {
    activeDays: config.TIMELINE_ACTIVE_DAYS,
    maxItems: config.TIMELINE_MAX_ITEMS,
  });
  const cards = new EventCardStore(db);
  const mediaUploads = new MediaUploadStore(db);
  const userClient = config.USER_GRPC_ADDR
    ? createClient(userV1.UserService, config.USER_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS })
    : undefined;
  const users = new UserDirectory(userClient, community, logger, config.AUTHOR_CACHE_SECONDS * 1000);
  const cursors = new CursorCodec(secret('FEED_CURSOR_SECRET', config.FEED_CURSOR_SECRET, config.DATA_DIR));
  const filter = new TextFilter({
    holdScore: config.MODERATION_HOLD_SCORE,
    flagScore: config.MODERATION_FLAG_SCORE,
    ...(config.MODERATION_LEXICONS ? { lexicons: config.MODERATION_LEXICONS } : {}),
  });
  const presenter = new PostPresenter({
    store,
    relations: (viewerId, authorIds) => community.relations(viewerId, authorIds),
    authors: (viewerId, ids) => users.authors(viewerId, ids),
    mediaUrl: (key) => storage.signedUrl(key),
  });
  const posts = new PostService({
    store,
    filter,
    presenter,
    authorCommunity: async (claims: AccessClaims) => {
      const viewer = await users.viewer(claims);
      return {
        ...(viewer.originCountry ? { originCountry: viewer.originCountry } : {}),
        ...(viewer.residenceCountry ? { residenceCountry: viewer.residenceCountry } : {}),
        ...(viewer.residenceCity ? { residenceCity: viewer.residenceCity } : {}),
      };
    },
    claimMedia: (ids, ownerId, postId) => mediaUploads.claim(ids, ownerId, postId),
    releaseMedia: (postId) => mediaUploads.release(postId),
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
  const moderation = new ModerationService({ store, presenter, hideThreshold: config.REPORT_HIDE_THRESHOLD });
  const timelineService = new TimelineService({ store, timelines, community, users, logger });
  const postsFeed = new PostsFeed({
    store,
    timelines: timelineService,
    presenter,
    cursors,
    sponsored: new SponsoredSource(config.SPONSORED_FEED),
  });
  const eventsFeed = new EventsFeed({ cards, cursors });
  const userData = new UserDataService({ store, media: mediaUploads, storage, logger });
  return {
    db,
    store,
    storage,
    community,
    timelines,
    cards,
    mediaUploads,
    users,
    cursors,
    presenter,
    posts,
    interactions,
    moderation,
    postsFeed,
    eventsFeed,
    userData,
    limits: { mediaMaxBytes: config.MEDIA_MAX_BYTES },
    moderatorOf: (claims: AccessClaims): ModeratorIdentity => moderatorFromClaims(claims),
    close: () => userClient?.close(),
  };
}

export type ContentServices = ReturnType<typeof buildServices>;
