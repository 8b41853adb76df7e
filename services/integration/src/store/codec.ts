import type { DeliveryAttempt } from '../domain/model.js';

/** Attempts travel as JSON (jsonb, BSON documents): dates as ISO strings. */
export interface StoredAttempt extends Omit<DeliveryAttempt, 'at'> {
  at: string;
}

export const encodeAttempt = (attempt: DeliveryAttempt): StoredAttempt => ({
  ...attempt,
  at: attempt.at.toISOString(),
});
export const decodeAttempt = (stored: StoredAttempt): DeliveryAttempt => ({ ...stored, at: new Date(stored.at) });

/** Drops undefined fields so both stores return the same shapes (exactOptionalPropertyTypes). */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}
