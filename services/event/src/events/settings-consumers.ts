import { AdminSettingsUpdated } from '@diaspora/events';
import { type Database, type EventConsumer, idempotentConsumer } from '@diaspora/service-kit';
import type { ConsulQuotaSetting } from '../store/quota-settings.js';

/** Platform settings the admin dashboard owns and this service applies: the consul yearly quota of scorecards. */
export function settingsConsumers(db: Database, quota: ConsulQuotaSetting): EventConsumer[] {
  return [
    idempotentConsumer(db, 'admin-settings', AdminSettingsUpdated, async (tx, data) => {
      if (data.changed.includes('consulYearlyQuota'))
        await quota.record(tx, data.settings.consulYearlyQuota, new Date(data.at));
    }),
  ];
}
