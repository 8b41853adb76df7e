import { AdminSettingsUpdated } from '@diaspora/events';
import { type Database, type EventConsumer, idempotentConsumer, type PlatformSetting } from '@diaspora/service-kit';

/** Platform settings the admin dashboard owns and this service applies: the free tier's daily message quota. */
export function settingsConsumers(db: Database, quotas: PlatformSetting<number>): EventConsumer[] {
  return [
    idempotentConsumer(db, 'admin-settings', AdminSettingsUpdated, async (tx, data) => {
      if (data.changed.includes('freeMessagingDailyQuota'))
        await quotas.record(tx, data.settings.freeMessagingDailyQuota, new Date(data.at));
    }),
  ];
}
