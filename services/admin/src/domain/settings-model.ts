import type { AdminSettingsUpdated, EventData } from '@diaspora/events';

/** A community filter: a country, or a city of a country. */
export interface Place {
  country?: string;
  city?: string;
}

export type PlatformSettings = EventData<typeof AdminSettingsUpdated>['settings'];

export const SETTING_NAMES = [
  'freeMessagingDailyQuota',
  'consulYearlyQuota',
  'reportThreshold',
  'wordLists',
  'sponsoredFeed',
] as const satisfies readonly (keyof PlatformSettings)[];
