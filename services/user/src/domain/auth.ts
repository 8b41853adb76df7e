import { UserRegistered } from '@diaspora/events';
import { type Logger, newId, Problem, problems } from '@diaspora/service-kit';
import { hashRefreshToken, newRefreshToken } from './credentials.js';
import type { LoginThrottle } from './login-throttle.js';
import { checkPassword } from './password-policy.js';
import { type AccessTokenIssuer, EmailTakenError, type PasswordHasher, type Scope, type UnitOfWork } from './ports.js';
import { publishSessionStarted, publishSessionsEnded } from './sessions.js';
import { accountSuspended, communityFields, normalizeProfile, type ProfileFields, type UserRecord } from './user.js';
import { ownView } from './views.js';

export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
}

export interface RegisterInput extends Omit<ProfileFields, 'bio' | 'avatarUrl'> {
  email: string;
  password: string;
  bio?: string;
  timeZone?: string;
  arrivedAt?: string;
}

export interface AuthResult {
  user: ReturnType<typeof ownView>;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export interface AuthDependencies {
  uow: UnitOfWork;
  passwords: PasswordHasher;
  tokens: AccessTokenIssuer;
  refreshTtlMs: number;
  throttle: LoginThrottle;
  logger: Logger;
  /** Sends the address-verification email of a new account (after its transaction committed). */
  sendEmailVerification(user: UserRecord): Promise<void>;
}

const invalidCredentials = () =>
  new Problem(401, { type: 'invalid-credentials', detail: 'The email or password is incorrect.' });
const invalidRefresh = (detail = 'The refresh token is invalid or expired; sign in again.') =>
  new Problem(401, { type: 'invalid-refresh-token', detail });

export class AuthService {
  constructor(private readonly deps: AuthDependencies) {}

  async register(input: RegisterInput, client: ClientInfo): Promise<AuthResult> {
    const email = input.email.trim().toLowerCase();
    const { fields, errors } = normalizeProfile({
      displayName: input.displayName,
      bio: input.bio ?? null,
      avatarUrl: null,
      originCountry: input.originCountry,
      residenceCountry: input.residenceCountry,
      residenceCity: input.residenceCity,
      languages: input.languages,
      domains: input.domains,
      ...(input.timeZone ? { timeZone: input.timeZone } : {}),
      ...(input.arrivedAt ? { arrivedAt: input.arrivedAt } : {}),
    });
    errors.push(...checkPassword(input.password, { email, displayName: fields.displayName }));
    if (errors.length) throw problems.validation(errors);
    // Hash outside the transaction: bcrypt takes ~100s of ms and must not hold a connection.
    const passwordHash = await this.deps.passwords.hash(input.password);
    let created: UserRecord | undefined;
    try {
      const result = await this.deps.uow.run(async (scope) => {
        created = await scope.users.insert({ id: newId('usr'), email, passwordHash, ...fields });
        await publishRegistered(scope, created);
        return this.startSession(scope, created, client);
      });
      await this.mailVerification(created!);
      return result;
    } catch (error) {
      if (error instanceof EmailTakenError) {
        throw problems.conflict('An account with this email already exists.', 'email-taken');
      }
      throw error;
    }
  }

  /** Best effort: the account exists either way, and the member can ask for the email again. */
  async mailVerification(user: UserRecord): Promise<void> {
    await this.deps.sendEmailVerification(user).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, userId: user.id }, 'verification email could not be sent');
    });
  }

  async login(emailInput: string, password: string, client: ClientInfo): Promise<AuthResult> {
    const email = emailInput.trim().toLowerCase();
    await this.deps.throttle.check(email, client.ip);
    const user = await this.deps.uow.read.users.findByEmail(email);
    const valid = user?.passwordHash
      ? await this.deps.passwords.verify(password, user.passwordHash)
      : await this.deps.passwords.verifyNothing(password).then(() => false);
    if (!valid || !user) {
      await this.deps.throttle.failed(email, client.ip);
      throw invalidCredentials();
    }
    await this.deps.throttle.succeeded(email, client.ip);
    return this.deps.uow.run((scope) => this.startSession(scope, user, client));
  }

  /**
   * Rotates a refresh token. Presenting a token that was already rotated means it leaked (or a client bug):
   * the whole session family is revoked and the caller must sign in again. Roles, scope and tier are read
   * afresh, so a revoked appointment stops at the next refresh.
   */
  async refresh(refreshToken: string, client: ClientInfo): Promise<AuthResult> {
    const outcome = await this.deps.uow.run(async (scope) => {
      const current = await scope.sessions.findForUpdate(hashRefreshToken(refreshToken));
      // Suspension revoked the member's tokens: say why rather than "invalid".
      const owner = current && (await scope.users.findById(current.userId));
      if (owner?.status === 'suspended') return { kind: 'suspended' as const, user: owner };
      if (!current || current.revokedAt) return { kind: 'invalid' as const };
      if (current.rotatedAt) {
        await scope.sessions.revokeFamily(current.familyId, 'refresh-token-reuse');
        await publishSessionsEnded(scope, current.userId, [current.familyId], 'refresh-token-reuse');
        return { kind: 'reused' as const };
      }
      if (current.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' as const };
      const user = await scope.users.findById(current.userId);
      if (!user) return { kind: 'invalid' as const };
      await scope.sessions.markRotated(current.id);
      return { kind: 'ok' as const, result: await this.continueSession(scope, user, current.familyId, client) };
    });
    // Thrown after commit, so the family revocation above is kept.
    if (outcome.kind === 'reused') {
      throw invalidRefresh('This refresh token was already used; the session has been revoked. Sign in again.');
    }
    if (outcome.kind === 'suspended') throw accountSuspended(outcome.user);
    if (outcome.kind === 'invalid') throw invalidRefresh();
    return outcome.result;
  }

  /** Ends the session the token belongs to. Unknown tokens are ignored: logout is always "done". */
  async logout(refreshToken: string): Promise<void> {
    await this.deps.uow.run(async (scope) => {
      const current = await scope.sessions.findForUpdate(hashRefreshToken(refreshToken));
      if (current && !current.revokedAt) {
        await scope.sessions.revokeFamily(current.familyId, 'logout');
        await publishSessionsEnded(scope, current.userId, [current.familyId], 'logout');
      }
    });
  }

  /** A new session (refresh-token family) for a member who just proved who they are. */
  async startSession(scope: Scope, user: UserRecord, client: ClientInfo): Promise<AuthResult> {
    const sessionId = newId('ses');
    await publishSessionStarted(scope, user.id, sessionId);
    return this.continueSession(scope, user, sessionId, client);
  }

  private async continueSession(
    scope: Scope,
    user: UserRecord,
    familyId: string,
    client: ClientInfo,
  ): Promise<AuthResult> {
    if (user.status === 'suspended') throw accountSuspended(user);
    const { token, hash } = newRefreshToken();
    await scope.sessions.create({
      id: newId('rtk'),
      familyId,
      userId: user.id,
      tokenHash: hash,
      expiresAt: new Date(Date.now() + this.deps.refreshTtlMs),
      userAgent: client.userAgent,
      ip: client.ip,
    });
    const { accessToken, expiresIn } = await this.deps.tokens.issue(user, familyId);
    return { user: ownView(user), accessToken, refreshToken: token, expiresIn, tokenType: 'Bearer' };
  }
}

export async function publishRegistered(scope: Scope, user: UserRecord): Promise<void> {
  await scope.publish(UserRegistered, { ...communityFields(user), registeredAt: user.createdAt.toISOString() });
}
