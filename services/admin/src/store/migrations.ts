import type { Migration } from '@diaspora/service-kit';

/**
 * This service's tables, in order; never edit one that has shipped, add the next (CONTRIBUTING.md).
 * Add `...idempotencyMigrations` first when a route takes Idempotency-Key (the kit then purges old keys).
 */
export const migrations: Migration[] = [];
