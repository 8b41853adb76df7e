import type { Queryable } from '../db/database.js';

// Platform settings the admin dashboard owns (admin.settings.updated) and a service applies. Each service keeps them
// in its own `platform_settings` table (name, jsonb value, updated_at), so every instance applies the same value.

/** The stored values among `names` (absent: the admin never set it, the service's config applies). */
export async function readPlatformSettings(q: Queryable, names: readonly string[]): Promise<Record<string, unknown>> {
  const { rows } = await q.query<{ name: string; value: unknown }>(
    'SELECT name, value FROM platform_settings WHERE name = ANY($1)',
    [names],
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.value]));
}

/** Stores the admin's values unless a later change is already stored (events may arrive out of order). */
export async function recordPlatformSettings(tx: Queryable, values: Record<string, unknown>, at: Date): Promise<void> {
  for (const [name, value] of Object.entries(values))
    await tx.query(
      `INSERT INTO platform_settings (name, value, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
       WHERE platform_settings.updated_at < excluded.updated_at`,
      [name, JSON.stringify(value), at],
    );
}

/**
 * One setting read through a short in-process cache (another instance picks a change up within `ttlMs`); the
 * configured `fallback` until an admin saves a value of the same type.
 */
export class PlatformSetting<T extends number | string | boolean> {
  private cached: { value: T; until: number } | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly name: string,
    private readonly fallback: T,
    private readonly ttlMs = 30_000,
  ) {}

  async value(): Promise<T> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.value;
    const stored = (await readPlatformSettings(this.db, [this.name]))[this.name];
    const value = typeof stored === typeof this.fallback ? (stored as T) : this.fallback;
    this.cached = { value, until: Date.now() + this.ttlMs };
    return value;
  }

  async record(tx: Queryable, value: T, at: Date): Promise<void> {
    await recordPlatformSettings(tx, { [this.name]: value }, at);
    this.cached = undefined;
  }
}
