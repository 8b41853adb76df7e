import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createClient, implement, messagingV1, userV1 } from '@diaspora/proto';
import {
  type AccessClaims,
  createUnitOfWork,
  defineService,
  PlatformSetting,
  userData,
  type Worker,
} from '@diaspora/service-kit';
import { openPresence } from '@diaspora/service-kit/presence';
import { createRealtimeMetrics, openRealtime } from '@diaspora/service-kit/realtime';
import { openStorage } from '@diaspora/service-kit/storage';
import { UserServiceRelationships } from './clients/user-relationships.js';
import { messagingConfig } from './config.js';
import { ConversationsService } from './domain/conversations-service.js';
import { DailyQuotas } from './domain/daily-quotas.js';
import { EffectiveTiers } from './domain/effective-tiers.js';
import { MediaService } from './domain/media-service.js';
import { memberData } from './domain/member-data.js';
import { MemberDirectory } from './domain/member-directory.js';
import { MessageReports } from './domain/message-reports.js';
import { MessagesService } from './domain/messages-service.js';
import type { Actor } from './domain/model.js';
import { Views } from './domain/views.js';
import { messagingConsumers } from './events/consumers.js';
import { moderationConsumers } from './events/moderation-consumers.js';
import { settingsConsumers } from './events/settings-consumers.js';
import { realtimeHandlers } from './grpc/handlers.js';
import { conversationRoutes } from './http/conversation-routes.js';
import { mediaRoutes } from './http/media-routes.js';
import { messageRoutes } from './http/message-routes.js';
import { messageReportRoutes } from './http/report-routes.js';
import { mediaPurge } from './jobs/media-purge.js';
import { DeliveryTracker } from './realtime/delivery-tracker.js';
import { frameDispatcher } from './realtime/frame-handlers.js';
import { RealtimeHub } from './realtime/hub.js';
import { socketRoute } from './realtime/socket-route.js';
import { migrations } from './store/migrations.js';
import { messagingStores } from './store/stores.js';

export const messagingService = defineService({
  name: 'messaging',
  openapi: {
    title: 'Messaging service',
    description:
      'Conversations (direct and groups), messages with sent/delivered/read statuses, history, media, and the ' +
      'real-time WebSocket at /api/v1/messages/ws.',
    version: '1.0.0',
  },
  config: messagingConfig,
  migrations,
  async setup({ config, db, cache, outbox, verifier, logger, metrics, cursors }) {
    const storage = openStorage(config, 'messaging');
    const realtime = await openRealtime(config.REALTIME_URL ?? config.BUS_URL, { name: 'messaging-service', logger });
    const presence = await openPresence(config.PRESENCE_URL ?? config.CACHE_URL, { namespace: 'messaging' }).catch(
      async (error: unknown) => {
        await realtime.close();
        throw error;
      },
    );
    const users = createClient(userV1.UserService, config.USER_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS });

    const uow = createUnitOfWork(db, outbox, messagingStores);
    const tiers = new EffectiveTiers(uow.read.members);
    const directory = new MemberDirectory(uow.read.conversations);
    const relationships = new UserServiceRelationships(users, cache, config.RELATIONSHIP_CACHE_SECONDS, logger);
    const quotaSettings = new PlatformSetting(db, 'freeMessagingDailyQuota', config.FREE_DAILY_MESSAGES);
    const quotas = new DailyQuotas(cache, {
      messages: () => quotaSettings.value(),
      conversations: config.FREE_DAILY_NEW_CONVERSATIONS,
    });
    const views = new Views(storage);
    const deleteFiles = async (keys: string[]) => {
      const results = await Promise.allSettled(keys.map((key) => storage.delete(key)));
      const failed = results.filter((result) => result.status === 'rejected');
      if (failed.length) throw (failed[0] as PromiseRejectedResult).reason;
    };
    const actorOf = async (claims: AccessClaims): Promise<Actor> => ({
      userId: claims.sub,
      tier: await tiers.of(claims),
    });

    // The hub and the use cases need each other (sends fan out; frames call sends): the hub is built first.
    let messagesService: MessagesService | undefined;
    const tracker = new DeliveryTracker((entries) => messagesService!.markDelivered(entries), logger);
    const hubRef: { dispatch?: ReturnType<typeof frameDispatcher> } = {};
    const hub = new RealtimeHub({
      instanceId: `${hostname()}-${randomBytes(4).toString('hex')}`,
      realtime,
      presence,
      conversations: uow.read.conversations,
      messages: uow.read.messages,
      views,
      tracker,
      dispatch: (connection, op, frame) => hubRef.dispatch!(connection, op, frame),
      logger,
      metrics: createRealtimeMetrics(metrics.registry),
      presenceTtlMs: config.PRESENCE_TTL_MS,
      connection: {
        maxFrameBytes: config.WS_MAX_FRAME_BYTES,
        heartbeatMs: config.WS_HEARTBEAT_MS,
        ratePerSecond: config.WS_RATE_PER_SECOND,
        rateBurst: config.WS_RATE_BURST,
        floodCloseAfter: config.WS_FLOOD_CLOSE_AFTER,
        maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
        resumeWaitMs: config.WS_RESUME_WAIT_MS,
        tokenWarningSeconds: config.WS_TOKEN_WARNING_SECONDS,
      },
      limits: { perMember: config.WS_MAX_CONNECTIONS_PER_MEMBER, perIp: config.WS_MAX_CONNECTIONS_PER_IP },
    });
    const conversationsService = new ConversationsService(uow, directory, relationships, quotas, hub, cursors, {
      groupMaxMembers: config.GROUP_MAX_MEMBERS,
    });
    messagesService = new MessagesService(uow, directory, quotas, hub, deleteFiles, cursors, {
      maxTextChars: config.MESSAGE_TEXT_MAX_CHARS,
      editWindowMs: config.MESSAGE_EDIT_WINDOW_SECONDS * 1000,
      deleteWindowMs: config.MESSAGE_DELETE_WINDOW_SECONDS * 1000,
    });
    hubRef.dispatch = frameDispatcher({ messages: messagesService, directory, live: hub, views, verifier, actorOf });
    const media = new MediaService(storage, uow.read.media);
    const forgetConversations = () => directory.clear();
    const workers: Worker[] = [{ start: () => hub.start(), stop: async () => undefined }];

    return {
      async routes(app) {
        await conversationRoutes(app, conversationsService, views, actorOf);
        await messageRoutes(app, messagesService!, views, actorOf);
        await messageReportRoutes(app, new MessageReports(uow));
        await mediaRoutes(app, media, storage, config.MEDIA_MAX_BYTES);
        await socketRoute(app, { hub, verifier, maxFrameBytes: config.WS_MAX_FRAME_BYTES });
      },
      grpc: [implement(messagingV1.MessagingRealtime, realtimeHandlers(hub, presence), logger)],
      consumers: [
        ...messagingConsumers({ db, uow, tiers, relationships, forgetConversations }),
        ...settingsConsumers(db, quotaSettings),
        ...moderationConsumers({ db, uow, deleteFiles }),
      ],
      userData: userData(uow, memberData({ uow, deleteFiles, forgetConversations, logger })),
      chores: [mediaPurge(media)],
      workers,
      checks: {
        realtime: () => realtime.ping(),
        presence: () => presence.ping(),
        storage: () => storage.ping(),
      },
      async close() {
        await hub.close();
        await tracker.flush();
        users.close();
        await Promise.allSettled([realtime.close(), presence.close()]);
      },
    };
  },
});
