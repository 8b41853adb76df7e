import { Type } from 'typebox';

/** The user service's own settings, on top of the kit's base config. */
export const userConfig = {
  /** PEM of the RSA key that signs access tokens (`\n` escapes accepted). */
  JWT_PRIVATE_KEY: Type.String({ minLength: 100 }),
  /** PEMs of retired signing keys still published in the JWKS while their tokens live out (key rotation). */
  JWT_RETIRED_PUBLIC_KEYS: Type.Optional(Type.String()),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ default: 900, minimum: 60, maximum: 3600 }),
  REFRESH_TOKEN_TTL_DAYS: Type.Integer({ default: 30, minimum: 1, maximum: 365 }),
  BCRYPT_COST: Type.Integer({ default: 12, minimum: 4, maximum: 15 }),
};
