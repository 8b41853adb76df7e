import { randomBytes } from 'node:crypto';
import { ensureDatabase, withDatabase } from '@diaspora/embedded-postgres';
import { inject } from 'vitest';

export interface PostgresTarget {
  name: 'embedded' | 'external';
  adminUrl: string;
}

/**
 * PostgreSQL servers to run contract tests against: always the embedded one, plus the real server of
 * `POSTGRES_URL` when set (CI starts one).
 */
export function postgresTargets(): PostgresTarget[] {
  const targets: PostgresTarget[] = [{ name: 'embedded', adminUrl: inject('embeddedPostgresUrl') }];
  if (process.env.POSTGRES_URL) targets.push({ name: 'external', adminUrl: process.env.POSTGRES_URL });
  return targets;
}

/** A brand-new database for one test file (or one test), so tests never see each other's rows. */
export async function freshDatabase(adminUrl = inject('embeddedPostgresUrl'), prefix = 't'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(adminUrl, name);
  return withDatabase(adminUrl, name);
}
