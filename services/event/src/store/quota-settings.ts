import type { Queryable } from '@diaspora/service-kit';

const NAME = 'consulYearlyQuota';

/**
 * The consul yearly quota as set in the admin dashboard (admin.settings.updated), kept in this service's database
 * so every instance applies it; CONSUL_EVENT_QUOTA until an admin saves one. Read through a short in-process
 * cache: another instance picks a change up within `ttlMs`.
 */
export class ConsulQuotaSetting {
  private cached: { value: number; until: number } | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly fallback: number,
    private readonly ttlMs = 30_000,
  ) {}

  async value(): Promise<number> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.value;
    const { rows } = await this.db.query<{ value: number }>('SELECT value FROM platform_settings WHERE name = $1', [
      NAME,
    ]);
    const value = typeof rows[0]?.value === 'number' ? rows[0].value : this.fallback;
    this.cached = { value, until: Date.now() + this.ttlMs };
    return value;
  }

  /** Stores the admin's value unless a later change is already stored (events may arrive out of order). */
  async record(tx: Queryable, value: number, at: Date): Promise<void> {
    await tx.query(
      `INSERT INTO platform_settings (name, value, updated_at) VALUES ($1, to_jsonb($2::int), $3)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
       WHERE platform_settings.updated_at < excluded.updated_at`,
      [NAME, value, at],
    );
    this.cached = undefined;
  }
}
