import { mailConfig, smsConfig } from '@diaspora/service-kit/providers';
import { Type } from 'typebox';

const Url = (defaultValue: string) => Type.String({ default: defaultValue, pattern: '^https?://' });

/**
 * Social sign-in. A provider is enabled when its client id and secret are set; its issuer/endpoint URLs only
 * change for a test server or a proxy. Redirect URIs to register at each provider:
 * `<PUBLIC_API_URL>/api/v1/users/auth/oauth/<provider>/callback`.
 */
export const oauthConfig = {
  /** The public base URL of the API (the gateway), for OAuth redirect URIs. */
  PUBLIC_API_URL: Url('http://localhost:8000'),
  OAUTH_STATE_TTL_SECONDS: Type.Integer({ default: 600, minimum: 60, maximum: 3600 }),
  /** How long a provider sign-up may wait for the member's community fields. */
  OAUTH_SIGNUP_TTL_SECONDS: Type.Integer({ default: 1800, minimum: 60, maximum: 86_400 }),
  OAUTH_TIMEOUT_SECONDS: Type.Integer({ default: 10, minimum: 1, maximum: 60 }),

  OAUTH_GOOGLE_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  OAUTH_GOOGLE_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  OAUTH_GOOGLE_ISSUER: Url('https://accounts.google.com'),

  OAUTH_LINKEDIN_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  OAUTH_LINKEDIN_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  OAUTH_LINKEDIN_ISSUER: Url('https://www.linkedin.com/oauth'),

  // Facebook Login is plain OAuth 2.0 (no discovery document): its endpoints are configured one by one.
  OAUTH_FACEBOOK_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  OAUTH_FACEBOOK_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  OAUTH_FACEBOOK_ISSUER: Url('https://www.facebook.com'),
  OAUTH_FACEBOOK_AUTHORIZATION_URL: Url('https://www.facebook.com/v21.0/dialog/oauth'),
  OAUTH_FACEBOOK_TOKEN_URL: Url('https://graph.facebook.com/v21.0/oauth/access_token'),
  OAUTH_FACEBOOK_PROFILE_URL: Url('https://graph.facebook.com/v21.0/me?fields=id,name,email,picture.type(large)'),
};

/** The user service's own settings, on top of the kit's base config. */
export const userConfig = {
  /** PEM of the RSA key that signs access tokens (`\n` escapes accepted). */
  JWT_PRIVATE_KEY: Type.String({ minLength: 100 }),
  /** PEMs of retired signing keys still published in the JWKS while their tokens live out (key rotation). */
  JWT_RETIRED_PUBLIC_KEYS: Type.Optional(Type.String()),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ default: 900, minimum: 60, maximum: 3600 }),
  REFRESH_TOKEN_TTL_DAYS: Type.Integer({ default: 30, minimum: 1, maximum: 365 }),
  BCRYPT_COST: Type.Integer({ default: 12, minimum: 4, maximum: 15 }),

  /** Where people open links sent by email (verification, password reset): the web app or the gateway. */
  PUBLIC_APP_URL: Type.String({ default: 'http://localhost:8000', pattern: '^https?://' }),
  EMAIL_TOKEN_TTL_HOURS: Type.Integer({ default: 48, minimum: 1, maximum: 720 }),
  PASSWORD_RESET_TTL_MINUTES: Type.Integer({ default: 60, minimum: 5, maximum: 1440 }),
  /** Verification emails one member may ask for per hour. */
  EMAIL_RESEND_PER_HOUR: Type.Integer({ default: 3, minimum: 1, maximum: 100 }),
  /** Reset emails per address per hour (and 10× that per IP). */
  PASSWORD_RESET_PER_HOUR: Type.Integer({ default: 3, minimum: 1, maximum: 100 }),
  /** SMS codes one member may ask for per hour. */
  PHONE_STARTS_PER_HOUR: Type.Integer({ default: 5, minimum: 1, maximum: 100 }),
  /** Wrong codes allowed for one phone verification before it must be restarted. */
  PHONE_MAX_ATTEMPTS: Type.Integer({ default: 5, minimum: 1, maximum: 20 }),

  /** Failures for one account from one IP before that pair (only) is locked, with backoff. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: Type.Integer({ default: 5, minimum: 1, maximum: 100 }),
  LOGIN_MAX_FAILURES_PER_IP: Type.Integer({ default: 30, minimum: 1, maximum: 10_000 }),
  LOGIN_FAILURE_WINDOW_SECONDS: Type.Integer({ default: 900, minimum: 10 }),
  LOGIN_LOCK_BASE_SECONDS: Type.Integer({ default: 30, minimum: 1 }),
  LOGIN_LOCK_MAX_SECONDS: Type.Integer({ default: 900, minimum: 1 }),
  /** Failures on one account from anywhere before its sign-ins are slowed (a delay, never a lock for everyone). */
  LOGIN_ACCOUNT_DELAY_AFTER: Type.Integer({ default: 10, minimum: 1, maximum: 1000 }),
  LOGIN_ACCOUNT_DELAY_MAX_MS: Type.Integer({ default: 4000, minimum: 0, maximum: 30_000 }),

  /** The platform's first super user, created (or promoted) on boot; idempotent. Both or neither. */
  SUPERUSER_EMAIL: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  SUPERUSER_PASSWORD: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  /** Community fields of a super user created from scratch (editable later with PATCH /profile). */
  SUPERUSER_COUNTRY: Type.String({ default: 'US', pattern: '^[A-Z]{2}$' }),
  SUPERUSER_CITY: Type.String({ default: 'Headquarters', minLength: 1, maxLength: 100 }),

  /**
   * Peers asked for their part of a GDPR export (`commonV1.UserData`): `name=host:port` comma list, e.g.
   * `event=127.0.0.1:9102,content=127.0.0.1:9103`. Peers that do not answer are recorded as absent.
   */
  USER_DATA_EXPORT_PEERS: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]*=[^=\\s]+:[0-9]{1,5}$' }), {
    default: [],
  }),
  EXPORT_PEER_DEADLINE_MS: Type.Integer({ default: 5000, minimum: 100 }),
  EXPORT_POLL_MS: Type.Integer({ default: 2000, minimum: 10 }),

  ...mailConfig,
  ...smsConfig,
  ...oauthConfig,
};
