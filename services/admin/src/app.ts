import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { contentV1, createClient, eventV1, userV1 } from '@diaspora/proto';
import { createUnitOfWork, defineService, every, serviceSecret, userData } from '@diaspora/service-kit';
import { GrpcContentModerator } from './clients/content-moderation.js';
import { GrpcScorecards } from './clients/event-service.js';
import { GrpcUserDirectory } from './clients/user-service.js';
import { adminConfig } from './config.js';
import { Analytics } from './domain/analytics.js';
import { AuditLog } from './domain/audit.js';
import { Members } from './domain/members.js';
import { ModerationQueue } from './domain/moderation.js';
import type { Stores } from './domain/ports.js';
import { PlatformSettingsService } from './domain/settings.js';
import { adminResolver } from './domain/use-cases.js';
import { AdminUserData } from './domain/user-data.js';
import { adminConsumers } from './events/consumers.js';
import { adminRoutes } from './http/routes.js';
import { roleAuditSync } from './jobs/role-audit-sync.js';
import { migrations } from './store/migrations.js';
import { adminStores } from './store/stores.js';

/** The dashboard's files: public/ beside src/ and dist/; chart.js's browser build from node_modules. */
const publicDir = join(import.meta.dirname, '..', 'public');
const chartJs = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

export const adminService = defineService({
  name: 'admin',
  openapi: {
    title: 'Admin service',
    description:
      'Member search, suspension and reinstatement; one moderation queue for posts, comments, messages and ' +
      'members with appeals; analytics of growth, engagement, participation and revenue from event-fed read ' +
      'models; platform settings; the audit log; the web dashboard at /admin. Super users see everything, ' +
      'ambassadors their country, consuls their city (checked against the user service).',
    version: '1.0.0',
  },
  config: adminConfig,
  migrations,
  async setup({ config, db, outbox, logger, cursors }) {
    const uow = createUnitOfWork<Stores>(db, outbox, adminStores);
    const deadline = { deadlineMs: config.GRPC_DEADLINE_MS };
    const userClient = createClient(userV1.UserService, config.USER_GRPC_ADDR, deadline);
    const contentClient = createClient(contentV1.ContentModeration, config.CONTENT_GRPC_ADDR, deadline);
    const eventClient = createClient(eventV1.EventService, config.EVENT_GRPC_ADDR, deadline);
    const directory = new GrpcUserDirectory(userClient);
    const members = new Members(uow, directory, new GrpcScorecards(eventClient), cursors);
    const useCases = {
      admins: adminResolver(directory),
      members,
      queue: new ModerationQueue({
        uow,
        content: new GrpcContentModerator(contentClient),
        directory,
        members,
        cursors,
      }),
      analytics: new Analytics(uow, config.ANALYTICS_MAX_DAYS),
      audit: new AuditLog(uow, cursors),
      settings: new PlatformSettingsService(uow, {
        freeMessagingDailyQuota: config.DEFAULT_FREE_MESSAGING_DAILY_QUOTA,
        consulYearlyQuota: config.DEFAULT_CONSUL_YEARLY_QUOTA,
        reportThreshold: config.DEFAULT_REPORT_THRESHOLD,
        wordLists: {},
        sponsoredFeed: { every: 8, items: [] },
      }),
    };
    const privacy = new AdminUserData(
      uow,
      serviceSecret({
        service: 'admin',
        name: 'PSEUDONYM_SECRET',
        given: config.PSEUDONYM_SECRET,
        dataDir: config.DATA_DIR,
      }),
    );
    const syncRoleAudit = roleAuditSync({ uow, directory, logger });
    return {
      routes: (app) => adminRoutes(app, useCases, { publicDir, chartJs }),
      consumers: adminConsumers({ db, uow, logger, syncRoleAudit }),
      userData: userData(uow, {
        export: (userId) => privacy.export(userId),
        erase: (scope, userId) => privacy.erase(scope, userId),
      }),
      chores: [every('role audit sync', config.ROLE_AUDIT_SYNC_SECONDS * 1000, syncRoleAudit)],
      async close() {
        userClient.close();
        contentClient.close();
        eventClient.close();
      },
    };
  },
});
