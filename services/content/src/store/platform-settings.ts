import type { Queryable } from '@diaspora/service-kit';
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
    const { rows } = await q.query<{ name: string; value: unknown }>(
      'SELECT name, value FROM platform_settings WHERE name = ANY($1)',
      [NAMES],
    );
    this.current = Object.fromEntries(rows.map((row) => [row.name, row.value])) as AppliedSettings;
    this.onRefresh(this.current);
  }

  /** Stores the admin's values unless a later change is already stored (events may arrive out of order). */
  async record(tx: Queryable, values: AppliedSettings, at: Date): Promise<void> {
    for (const [name, value] of Object.entries(values))
      await tx.query(
        `INSERT INTO platform_settings (name, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
         WHERE platform_settings.updated_at < excluded.updated_at`,
        [name, JSON.stringify(value), at],
      );
  }
}
