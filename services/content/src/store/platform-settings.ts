import { type Queryable, readPlatformSettings, recordPlatformSettings } from '@diaspora/service-kit';
import type { SponsoredItem } from '../domain/feed/sponsored.js';

/** The platform settings this service applies, as the admin dashboard last set them (absent: config applies). */
export interface AppliedSettings {
  reportThreshold?: number;
  sponsoredFeed?: { every: number; items: SponsoredItem[] };
  wordLists?: Record<string, string[]>;
}

const NAMES = ['reportThreshold', 'sponsoredFeed', 'wordLists'] as const;

/**
 * Settings set in the admin dashboard (admin.settings.updated) and applied here, kept in this service's database.
 * Each instance holds the values in memory and refreshes them with a chore, so every instance applies a change
 * within the chore's interval (and the one that consumed the event at once).
 */
export class PlatformSettings {
  current: AppliedSettings = {};

  constructor(
    private readonly db: Queryable,
    /** Told the values after each refresh (the text filter rebuilds on new word lists). */
    private readonly onRefresh: (current: AppliedSettings) => void = () => {},
  ) {}

  /** Reads the stored values (through `q`: a consumer's transaction sees its own write). */
  async refresh(q: Queryable = this.db): Promise<void> {
    this.current = (await readPlatformSettings(q, NAMES)) as AppliedSettings;
    this.onRefresh(this.current);
  }

  /** Stores the admin's values unless a later change is already stored (events may arrive out of order). */
  async record(tx: Queryable, values: AppliedSettings, at: Date): Promise<void> {
    await recordPlatformSettings(tx, { ...values }, at);
  }
}
