import { AdminSettingsUpdated } from '@diaspora/events';
import { type Database, type EventConsumer, idempotentConsumer, type PlatformSetting } from '@diaspora/service-kit';

/** Platform settings the admin dashboard owns and this service applies: the consul yearly quota of scorecards. */
export function settingsConsumers(db: Database, quota: PlatformSetting<number>): EventConsumer[] {
  return [
    idempotentConsumer(db, 'admin-settings', AdminSettingsUpdated, async (tx, data) => {
      if (data.changed.includes('consulYearlyQuota'))
        await quota.record(tx, data.settings.consulYearlyQuota, new Date(data.at));
    }),
  ];
}
