import * as client from 'openid-client';
import type { ExternalProfile, OAuthProvider, OAuthProviderName } from '../domain/oauth-login.js';

export interface OAuthSettings {
  OAUTH_TIMEOUT_SECONDS: number;
  OAUTH_GOOGLE_CLIENT_ID?: string | undefined;
  OAUTH_GOOGLE_CLIENT_SECRET?: string | undefined;
  OAUTH_GOOGLE_ISSUER: string;
  OAUTH_LINKEDIN_CLIENT_ID?: string | undefined;
  OAUTH_LINKEDIN_CLIENT_SECRET?: string | undefined;
  OAUTH_LINKEDIN_ISSUER: string;
  OAUTH_FACEBOOK_CLIENT_ID?: string | undefined;
  OAUTH_FACEBOOK_CLIENT_SECRET?: string | undefined;
  OAUTH_FACEBOOK_ISSUER: string;
  OAUTH_FACEBOOK_AUTHORIZATION_URL: string;
  OAUTH_FACEBOOK_TOKEN_URL: string;
  OAUTH_FACEBOOK_PROFILE_URL: string;
}

/** Plain HTTP is allowed only to loopback (a local test or development provider), never across a network. */
const isLoopback = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** OpenID Connect providers (Google, LinkedIn): discovery, PKCE, state and nonce, ID token plus userinfo. */
class OidcProvider implements OAuthProvider {
  readonly usesNonce = true;
  private config: Promise<client.Configuration> | undefined;

  constructor(
    readonly name: OAuthProviderName,
    private readonly options: { issuer: string; clientId: string; clientSecret: string; timeoutSeconds: number },
  ) {}

  /** Discovered once and cached; a failed discovery is retried on the next sign-in instead of sticking. */
  private configuration(): Promise<client.Configuration> {
    this.config ??= client
      .discovery(new URL(this.options.issuer), this.options.clientId, this.options.clientSecret, undefined, {
        ...(isLoopback(this.options.issuer) ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: this.options.timeoutSeconds,
      })
      .then((config) => {
        config.timeout = this.options.timeoutSeconds;
        return config;
      })
      .catch((error: unknown) => {
        this.config = undefined;
        throw error;
      });
    return this.config;
  }

  async authorizationUrl(input: { redirectUri: string; state: string; nonce: string; codeChallenge: string }) {
    return client.buildAuthorizationUrl(await this.configuration(), {
      redirect_uri: input.redirectUri,
      scope: 'openid email profile',
      state: input.state,
      nonce: input.nonce,
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  async exchange(
    callbackUrl: URL,
    checks: { state: string; nonce: string; verifier: string },
  ): Promise<ExternalProfile> {
    const config = await this.configuration();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      pkceCodeVerifier: checks.verifier,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('the provider returned no ID token');
    const userinfo = config.serverMetadata().userinfo_endpoint
      ? await client.fetchUserInfo(config, tokens.access_token, claims.sub)
      : {};
    const merged: Record<string, unknown> = { ...claims, ...userinfo };
    return {
      subject: claims.sub,
      email: text(merged.email)?.toLowerCase(),
      emailVerified: merged.email_verified === true || merged.email_verified === 'true',
      name:
        text(merged.name) ??
        ([text(merged.given_name), text(merged.family_name)].filter(Boolean).join(' ') || undefined),
      picture: text(merged.picture),
      // LinkedIn profiles carry a headline (`headline`, or `localizedHeadline` in its v2 profile API).
      headline: text(merged.headline) ?? text(merged.localizedHeadline),
    };
  }
}

/** Facebook Login: OAuth 2.0 with PKCE and state; the profile comes from the Graph API. */
class FacebookProvider implements OAuthProvider {
  readonly name = 'facebook' as const;
  readonly usesNonce = false;
  private readonly config: client.Configuration;

  constructor(
    private readonly options: {
      issuer: string;
      authorizationUrl: string;
      tokenUrl: string;
      profileUrl: string;
      clientId: string;
      clientSecret: string;
      timeoutSeconds: number;
    },
  ) {
    this.config = new client.Configuration(
      {
        issuer: options.issuer,
        authorization_endpoint: options.authorizationUrl,
        token_endpoint: options.tokenUrl,
      },
      options.clientId,
      options.clientSecret,
    );
    this.config.timeout = options.timeoutSeconds;
    if ([options.authorizationUrl, options.tokenUrl, options.profileUrl].every(isLoopback)) {
      client.allowInsecureRequests(this.config);
    }
  }

  async authorizationUrl(input: { redirectUri: string; state: string; codeChallenge: string }) {
    return client.buildAuthorizationUrl(this.config, {
      redirect_uri: input.redirectUri,
      scope: 'email public_profile',
      state: input.state,
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  async exchange(callbackUrl: URL, checks: { state: string; verifier: string }): Promise<ExternalProfile> {
    const tokens = await client.authorizationCodeGrant(this.config, callbackUrl, {
      expectedState: checks.state,
      pkceCodeVerifier: checks.verifier,
    });
    const response = await client.fetchProtectedResource(
      this.config,
      tokens.access_token,
      new URL(this.options.profileUrl),
      'GET',
    );
    if (!response.ok) throw new Error(`the Graph API answered ${response.status}`);
    const profile = (await response.json()) as {
      id?: unknown;
      name?: unknown;
      email?: unknown;
      picture?: { data?: { url?: unknown } };
    };
    const subject = text(profile.id);
    if (!subject) throw new Error('the Graph API returned no id');
    return {
      subject,
      email: text(profile.email)?.toLowerCase(),
      // Facebook only returns an address its owner confirmed.
      emailVerified: text(profile.email) !== undefined,
      name: text(profile.name),
      picture: text(profile.picture?.data?.url),
    };
  }
}

/** The providers the configuration enables (client id and secret both set). */
export function configuredProviders(settings: OAuthSettings): Map<OAuthProviderName, OAuthProvider> {
  const providers = new Map<OAuthProviderName, OAuthProvider>();
  const timeoutSeconds = settings.OAUTH_TIMEOUT_SECONDS;
  if (settings.OAUTH_GOOGLE_CLIENT_ID && settings.OAUTH_GOOGLE_CLIENT_SECRET) {
    providers.set(
      'google',
      new OidcProvider('google', {
        issuer: settings.OAUTH_GOOGLE_ISSUER,
        clientId: settings.OAUTH_GOOGLE_CLIENT_ID,
        clientSecret: settings.OAUTH_GOOGLE_CLIENT_SECRET,
        timeoutSeconds,
      }),
    );
  }
  if (settings.OAUTH_LINKEDIN_CLIENT_ID && settings.OAUTH_LINKEDIN_CLIENT_SECRET) {
    providers.set(
      'linkedin',
      new OidcProvider('linkedin', {
        issuer: settings.OAUTH_LINKEDIN_ISSUER,
        clientId: settings.OAUTH_LINKEDIN_CLIENT_ID,
        clientSecret: settings.OAUTH_LINKEDIN_CLIENT_SECRET,
        timeoutSeconds,
      }),
    );
  }
  if (settings.OAUTH_FACEBOOK_CLIENT_ID && settings.OAUTH_FACEBOOK_CLIENT_SECRET) {
    providers.set(
      'facebook',
      new FacebookProvider({
        issuer: settings.OAUTH_FACEBOOK_ISSUER,
        authorizationUrl: settings.OAUTH_FACEBOOK_AUTHORIZATION_URL,
        tokenUrl: settings.OAUTH_FACEBOOK_TOKEN_URL,
        profileUrl: settings.OAUTH_FACEBOOK_PROFILE_URL,
        clientId: settings.OAUTH_FACEBOOK_CLIENT_ID,
        clientSecret: settings.OAUTH_FACEBOOK_CLIENT_SECRET,
        timeoutSeconds,
      }),
    );
  }
  return providers;
}
