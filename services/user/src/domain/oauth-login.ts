import { createHash, randomBytes } from 'node:crypto';
import { UserVerified } from '@diaspora/events';
import { type Cache, newId, Problem, problems } from '@diaspora/service-kit';
import { type AuthResult, type AuthService, type ClientInfo, publishRegistered } from './auth.js';
import { EmailTakenError, type Scope, type UnitOfWork } from './ports.js';
import { publishProfileUpdated } from './profile.js';
import { normalizeProfile, type ProfileFields, type UserRecord } from './user.js';

/** The social sign-in providers the service knows. */
export const OAUTH_PROVIDERS = ['google', 'facebook', 'linkedin'] as const;
export type OAuthProviderName = (typeof OAUTH_PROVIDERS)[number];

/** What a provider tells us about the member who signed in there. */
export interface ExternalProfile {
  subject: string;
  email?: string | undefined;
  emailVerified: boolean;
  name?: string | undefined;
  picture?: string | undefined;
  headline?: string | undefined;
}

/** One social sign-in provider (authorization code + PKCE + state; nonce for OpenID Connect ones). */
export interface OAuthProvider {
  readonly name: string;
  readonly usesNonce: boolean;
  authorizationUrl(input: { redirectUri: string; state: string; nonce: string; codeChallenge: string }): Promise<URL>;
  exchange(callbackUrl: URL, checks: { state: string; nonce: string; verifier: string }): Promise<ExternalProfile>;
}

interface PendingLogin {
  provider: string;
  verifier: string;
  nonce: string;
}

interface PendingSignup {
  provider: string;
  profile: ExternalProfile & { email: string };
}

export type CallbackResult =
  | { kind: 'session'; linked: boolean; result: AuthResult }
  | { kind: 'signup-required'; signupToken: string; expiresIn: number; profile: ReturnType<typeof importedProfile> };

export type SignupFields = Pick<ProfileFields, 'originCountry' | 'residenceCountry' | 'residenceCity' | 'languages'> &
  Partial<Pick<ProfileFields, 'domains' | 'displayName'>> & { timeZone?: string; arrivedAt?: string };

const random = () => randomBytes(32).toString('base64url');
const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const collapse = (value: string | undefined) => value?.trim().replace(/\s+/g, ' ') ?? '';

/** Profile data imported from a provider: name, avatar (https only) and headline (as the bio). */
function importedProfile(profile: ExternalProfile & { email: string }) {
  const name = collapse(profile.name).slice(0, 80) || profile.email.split('@')[0]!.slice(0, 80);
  const avatarUrl =
    profile.picture && /^https:\/\//.test(profile.picture) && profile.picture.length <= 2048 ? profile.picture : null;
  const headline = collapse(profile.headline).slice(0, 1000) || null;
  return { email: profile.email, emailVerified: profile.emailVerified, displayName: name, avatarUrl, bio: headline };
}

const oauthFailed = (detail: string, type = 'oauth-failed') => new Problem(400, { type, detail });

/**
 * Social sign-in. The state (with the PKCE verifier and nonce) lives in the cache for a few minutes and works
 * once. A provider identity signs into the account it is linked to; a new identity whose VERIFIED email matches
 * an account with a VERIFIED email is linked to it (never otherwise: that would hand the account to whoever
 * registers the address at a provider first); a new email starts a sign-up that needs the community fields.
 */
export class OAuthLoginService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly auth: AuthService,
    private readonly cache: Cache,
    private readonly providers: Map<string, OAuthProvider>,
    private readonly settings: { publicApiUrl: string; stateTtlSeconds: number; signupTtlSeconds: number },
  ) {}

  private provider(name: string): OAuthProvider {
    const provider = this.providers.get(name);
    if (!provider) throw problems.notFound(`sign-in provider "${name}" (not enabled here)`);
    return provider;
  }

  redirectUri(provider: string): string {
    return `${this.settings.publicApiUrl.replace(/\/$/, '')}/api/v1/users/auth/oauth/${provider}/callback`;
  }

  /** Where to send the browser, and the state the caller binds to it (the route sets it as a cookie). */
  async start(providerName: string): Promise<{ url: URL; state: string; ttlSeconds: number }> {
    const provider = this.provider(providerName);
    const pending: PendingLogin = { provider: provider.name, verifier: random(), nonce: random() };
    const state = random();
    await this.cache.set(`oauth:state:${state}`, JSON.stringify(pending), this.settings.stateTtlSeconds * 1000);
    const url = await provider.authorizationUrl({
      redirectUri: this.redirectUri(provider.name),
      state,
      nonce: pending.nonce,
      codeChallenge: challengeOf(pending.verifier),
    });
    return { url, state, ttlSeconds: this.settings.stateTtlSeconds };
  }

  /** Completes the provider's redirect: checks state (query and cookie), exchanges the code, signs in or links. */
  async callback(providerName: string, callbackUrl: URL, cookieState: string | undefined, client: ClientInfo) {
    const provider = this.provider(providerName);
    const state = callbackUrl.searchParams.get('state');
    if (!state) throw oauthFailed('The provider answer carries no state.', 'oauth-state-mismatch');
    if (!cookieState || cookieState !== state) {
      throw oauthFailed('This sign-in was not started in this browser; start again.', 'oauth-state-mismatch');
    }
    // Single use: whoever claims the state first proceeds; a replay finds it gone.
    const raw = await this.cache.get(`oauth:state:${state}`);
    const claimed =
      raw && (await this.cache.setIfAbsent(`oauth:used:${state}`, '1', this.settings.stateTtlSeconds * 1000));
    await this.cache.delete(`oauth:state:${state}`);
    if (!raw || !claimed)
      throw oauthFailed('This sign-in expired or was already completed; start again.', 'oauth-state-expired');
    const pending = JSON.parse(raw) as PendingLogin;
    if (pending.provider !== provider.name)
      throw oauthFailed('The sign-in was started with another provider.', 'oauth-state-mismatch');
    const denied = callbackUrl.searchParams.get('error');
    if (denied) throw oauthFailed(`The provider did not sign you in (${denied.slice(0, 100)}).`, 'oauth-denied');

    let profile: ExternalProfile;
    try {
      const publicCallback = new URL(this.redirectUri(provider.name));
      publicCallback.search = callbackUrl.search;
      profile = await provider.exchange(publicCallback, { state, nonce: pending.nonce, verifier: pending.verifier });
    } catch (error) {
      throw new Problem(502, {
        type: 'oauth-provider-error',
        detail: 'The sign-in provider did not confirm this sign-in; start again.',
        cause: error,
      });
    }
    return this.signIn(provider.name, profile, client);
  }

  private async signIn(provider: string, profile: ExternalProfile, client: ClientInfo): Promise<CallbackResult> {
    const known = await this.uow.read.identities.find(provider, profile.subject);
    if (known) {
      const user = await this.uow.read.users.findById(known.userId);
      if (!user) throw problems.notFound('user');
      const result = await this.uow.run(async (scope) => {
        await scope.identities.touch(provider, profile.subject);
        return this.auth.startSession(scope, user, client);
      });
      return { kind: 'session', linked: false, result };
    }
    if (!profile.email) {
      throw new Problem(422, {
        type: 'oauth-email-required',
        detail: 'The provider did not share an email address; allow it, or register with your email.',
      });
    }
    const withEmail = { ...profile, email: profile.email };
    const existing = await this.uow.read.users.findByEmail(withEmail.email);
    if (existing) {
      if (!existing.emailVerified || !withEmail.emailVerified) {
        throw problems.conflict(
          'An account already uses this email. Sign in with your password (and verify your email) to link this provider.',
          'account-exists',
        );
      }
      const result = await this.uow.run(async (scope) => {
        await scope.identities.link({
          provider,
          subject: profile.subject,
          userId: existing.id,
          email: withEmail.email,
        });
        const user = await this.fillEmptyFields(scope, existing, importedProfile(withEmail));
        return this.auth.startSession(scope, user, client);
      });
      return { kind: 'session', linked: true, result };
    }
    const signupToken = random();
    const pending: PendingSignup = { provider, profile: withEmail };
    await this.cache.set(`oauth:signup:${signupToken}`, JSON.stringify(pending), this.settings.signupTtlSeconds * 1000);
    return {
      kind: 'signup-required',
      signupToken,
      expiresIn: this.settings.signupTtlSeconds,
      profile: importedProfile(withEmail),
    };
  }

  /** Import fills only what the member has not set themselves. */
  private async fillEmptyFields(scope: Scope, user: UserRecord, imported: ReturnType<typeof importedProfile>) {
    const changes = {
      ...(!user.avatarUrl && imported.avatarUrl ? { avatarUrl: imported.avatarUrl } : {}),
      ...(!user.bio && imported.bio ? { bio: imported.bio } : {}),
    };
    if (Object.keys(changes).length === 0) return user;
    const updated = await scope.users.updateProfile(user.id, changes);
    if (!updated) throw problems.notFound('user');
    await publishProfileUpdated(scope, updated, Object.keys(changes));
    return updated;
  }

  /** Creates the account of a provider sign-up once the member gave their community fields. */
  async completeSignup(signupToken: string, input: SignupFields, client: ClientInfo): Promise<AuthResult> {
    const key = `oauth:signup:${signupToken}`;
    const raw = await this.cache.get(key);
    if (!raw)
      throw new Problem(410, {
        type: 'signup-expired',
        detail: 'This sign-up expired; sign in with the provider again.',
      });
    const pending = JSON.parse(raw) as PendingSignup;
    const imported = importedProfile(pending.profile);
    const { fields, errors } = normalizeProfile({
      displayName: input.displayName ?? imported.displayName,
      bio: imported.bio,
      avatarUrl: imported.avatarUrl,
      originCountry: input.originCountry,
      residenceCountry: input.residenceCountry,
      residenceCity: input.residenceCity,
      languages: input.languages,
      domains: input.domains ?? [],
      ...(input.timeZone ? { timeZone: input.timeZone } : {}),
      ...(input.arrivedAt ? { arrivedAt: input.arrivedAt } : {}),
    });
    if (errors.length) throw problems.validation(errors);
    if (!(await this.cache.setIfAbsent(`${key}:used`, '1', this.settings.signupTtlSeconds * 1000))) {
      throw new Problem(410, { type: 'signup-expired', detail: 'This sign-up was already completed.' });
    }
    try {
      const result = await this.uow.run(async (scope) => {
        const user = await scope.users.insert({
          id: newId('usr'),
          email: imported.email,
          passwordHash: null,
          emailVerified: imported.emailVerified,
          ...fields,
        });
        await scope.identities.link({
          provider: pending.provider,
          subject: pending.profile.subject,
          userId: user.id,
          email: imported.email,
        });
        await publishRegistered(scope, user);
        if (user.emailVerified) {
          await scope.publish(UserVerified, {
            userId: user.id,
            channel: 'email',
            verifiedAt: new Date().toISOString(),
          });
        }
        return { user, session: await this.auth.startSession(scope, user, client) };
      });
      await this.cache.delete(key);
      if (!result.user.emailVerified) await this.auth.mailVerification(result.user);
      return result.session;
    } catch (error) {
      await this.cache.delete(`${key}:used`);
      if (error instanceof EmailTakenError)
        throw problems.conflict('An account with this email already exists.', 'email-taken');
      throw error;
    }
  }
}
