import { AdminSettingsUpdated } from '@diaspora/events';
import { type Database, type EventConsumer, idempotentConsumer } from '@diaspora/service-kit';
import type { AppliedSettings, PlatformSettings } from '../store/platform-settings.js';

/** Platform settings the admin dashboard owns and this service applies: report threshold, sponsored feed items. */
export function settingsConsumers(db: Database, settings: PlatformSettings): EventConsumer[] {
  return [
    idempotentConsumer(db, 'admin-settings', AdminSettingsUpdated, async (tx, data) => {
      const values: AppliedSettings = {
        ...(data.changed.includes('reportThreshold') ? { reportThreshold: data.settings.reportThreshold } : {}),
        ...(data.changed.includes('sponsoredFeed') ? { sponsoredFeed: data.settings.sponsoredFeed } : {}),
      };
      if (Object.keys(values).length === 0) return;
      await settings.record(tx, values, new Date(data.at));
      await settings.refresh(tx);
    }),
  ];
}
