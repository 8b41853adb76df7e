import { AdminSettingsUpdated } from '@diaspora/events';
import { type Database, type EventConsumer, idempotentConsumer } from '@diaspora/service-kit';
import type { AppliedSettings, PlatformSettings } from '../store/platform-settings.js';

/** Settings the admin dashboard owns and this service applies: report threshold, sponsored items, word lists. */
export function settingsConsumers(db: Database, settings: PlatformSettings): EventConsumer[] {
  return [
    idempotentConsumer(db, 'admin-settings', AdminSettingsUpdated, async (tx, data) => {
      const values: AppliedSettings = {
        ...(data.changed.includes('reportThreshold') ? { reportThreshold: data.settings.reportThreshold } : {}),
        ...(data.changed.includes('sponsoredFeed') ? { sponsoredFeed: data.settings.sponsoredFeed } : {}),
        ...(data.changed.includes('wordLists') ? { wordLists: data.settings.wordLists } : {}),
      };
      if (Object.keys(values).length === 0) return;
      await settings.record(tx, values, new Date(data.at));
      await settings.refresh(tx);
    }),
  ];
}
