import type { Analytics } from './analytics.js';
import type { AuditLog } from './audit.js';
import type { Members } from './members.js';
import type { ModerationQueue } from './moderation.js';
import type { UserDirectory } from './ports.js';
import { type Admin, resolveAdmin } from './scope.js';
import type { PlatformSettingsService } from './settings.js';

/** Everything the routes call, built once in app.ts. */
export interface AdminUseCases {
  admins: { resolve(userId: string): Promise<Admin> };
  members: Members;
  queue: ModerationQueue;
  analytics: Analytics;
  audit: AuditLog;
  settings: PlatformSettingsService;
}

export const adminResolver = (directory: UserDirectory) => ({
  resolve: (userId: string) => resolveAdmin(directory, userId),
});
