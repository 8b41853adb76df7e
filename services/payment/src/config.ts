import type { TProperties } from 'typebox';

/**
 * The payment service's own settings, on top of the kit's base config (DATABASE_URL, BUS_URL, CACHE_URL,
 * CURSOR_SECRET, …). None yet; add each as `NAME: Type.String({ … })` with a default where one is sensible.
 */
export const paymentConfig = {} satisfies TProperties;
