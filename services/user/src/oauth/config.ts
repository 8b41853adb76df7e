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

export const OAUTH_PROVIDERS = ['google', 'facebook', 'linkedin'] as const;
export type OAuthProviderName = (typeof OAUTH_PROVIDERS)[number];
