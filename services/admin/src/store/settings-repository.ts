import type { Queryable } from '@diaspora/service-kit';
import type { SettingsStore } from '../domain/ports.js';
import type { PlatformSettings } from '../domain/settings-model.js';

export class PgSettingsStore implements SettingsStore {
  constructor(private readonly q: Queryable) {}

  async get() {
    const { rows } = await this.q.query<{
      value: PlatformSettings;
      version: number;
      updated_by: string;
      updated_at: Date;
    }>('SELECT value, version, updated_by, updated_at FROM platform_settings WHERE id');
    const row = rows[0];
    return row
      ? { value: row.value, version: row.version, updatedBy: row.updated_by, updatedAt: row.updated_at }
      : null;
  }

  /** Saves over `expectedVersion` (0: none saved yet); null when someone saved meanwhile. */
  async save(value: PlatformSettings, by: string, at: Date, expectedVersion: number): Promise<number | null> {
    const { rows } = await this.q.query<{ version: number }>(
      `INSERT INTO platform_settings (id, value, version, updated_by, updated_at) VALUES (true, $1, 1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET value = $1, version = platform_settings.version + 1, updated_by = $2,
         updated_at = $3
       WHERE platform_settings.version = $4
       RETURNING version`,
      [JSON.stringify(value), by, at, expectedVersion],
    );
    return rows[0]?.version ?? null;
  }
}
