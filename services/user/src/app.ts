import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { implement, userV1 } from '@diaspora/proto';
import {
  ConfigError,
  createUnitOfWork,
  defineService,
  every,
  loadPrivateKey,
  loadPublicKey,
  type PollingWorker,
  RateLimiter,
  StaticKeySource,
  toPublicJwk,
  userData,
  type Worker,
} from '@diaspora/service-kit';
import { openMailSender, openOtpVerifier } from '@diaspora/service-kit/providers';
import { configuredProviders } from './clients/oauth-providers.js';
import { userDataPeers } from './clients/user-data-peers.js';
import { userConfig } from './config.js';
import { AccountSecurityService } from './domain/account-security.js';
import { AuthService } from './domain/auth.js';
import { BcryptHasher, JwtIssuer } from './domain/credentials.js';
import { GdprService } from './domain/gdpr.js';
import { GovernanceService } from './domain/governance.js';
import { LoginThrottle } from './domain/login-throttle.js';
import { MemberDirectory } from './domain/members.js';
import { OAuthLoginService } from './domain/oauth-login.js';
import { checkPassword } from './domain/password-policy.js';
import { ProfileService } from './domain/profile.js';
import { SocialService } from './domain/social.js';
import { SocialQueries } from './domain/social-queries.js';
import { SuspensionService } from './domain/suspension.js';
import { VerificationService } from './domain/verification.js';
import { paymentConsumers } from './events/consumers.js';
import { userGrpcHandlers } from './grpc/handlers.js';
import { accountRoutes } from './http/account-routes.js';
import { authRoutes } from './http/auth-routes.js';
import { governanceRoutes } from './http/governance-routes.js';
import { jwksRoutes } from './http/jwks-routes.js';
import { oauthRoutes } from './http/oauth-routes.js';
import { profileRoutes } from './http/profile-routes.js';
import { socialRoutes } from './http/social-routes.js';
import { verificationRoutes } from './http/verification-routes.js';
import { exportWorker as createExportWorker } from './jobs/export-worker.js';
import { resetMailer as createResetMailer } from './jobs/reset-mailer.js';
import { SuperuserBootstrap } from './jobs/superuser-bootstrap.js';
import { migrations } from './store/migrations.js';
import { userStores } from './store/stores.js';

/** PEM bundle → keys (a retired-keys variable may hold several concatenated PEMs). */
function publicKeys(privateKey: KeyObject, retiredPems: string | undefined): KeyObject[] {
  const retired = (
    retiredPems?.replace(/\\n/g, '\n').match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? []
  ).map((pem) => loadPublicKey(pem));
  return [createPublicKey(privateKey), ...retired];
}

/** SUPERUSER_EMAIL and SUPERUSER_PASSWORD come together, and the password meets the policy. */
function superuserSettings(config: { SUPERUSER_EMAIL?: string | undefined; SUPERUSER_PASSWORD?: string | undefined }) {
  const { SUPERUSER_EMAIL: email, SUPERUSER_PASSWORD: password } = config;
  if (!email && !password) return undefined;
  const problems = [
    ...(email ? [] : ['  - SUPERUSER_EMAIL: is required with SUPERUSER_PASSWORD']),
    ...(password ? [] : ['  - SUPERUSER_PASSWORD: is required with SUPERUSER_EMAIL']),
    ...(email && password
      ? checkPassword(password, { email }).map((error) => `  - SUPERUSER_PASSWORD: ${error.message}`)
      : []),
  ];
  if (problems.length) throw new ConfigError(`invalid configuration for the user service:\n${problems.join('\n')}`);
  return { email: email!, password: password! };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const userService = defineService({
  name: 'user',
  openapi: {
    title: 'User service',
    description: 'Accounts, authentication, profiles and the diaspora social graph.',
    version: '1.0.0',
  },
  config: userConfig,
  migrations,
  keySource: (config) =>
    new StaticKeySource(publicKeys(loadPrivateKey(config.JWT_PRIVATE_KEY), config.JWT_RETIRED_PUBLIC_KEYS)),
  async setup({ config, db, outbox, cache, logger, cursors }) {
    const superuser = superuserSettings(config);
    const privateKey = loadPrivateKey(config.JWT_PRIVATE_KEY);
    const keys = publicKeys(privateKey, config.JWT_RETIRED_PUBLIC_KEYS);
    const uow = createUnitOfWork(db, outbox, userStores);
    const passwords = new BcryptHasher(config.BCRYPT_COST);
    const issuer = new JwtIssuer(privateKey, keys[0]!, {
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    });
    const mail = openMailSender(config, { service: 'user', logger });
    const otp = openOtpVerifier(config, { service: 'user', logger });
    const limiter = (name: string, limit: number) => new RateLimiter(cache, { name, limit, windowMs: HOUR });
    const throttle = new LoginThrottle(cache, {
      maxAccountFailures: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxIpFailures: config.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
      baseLockSeconds: config.LOGIN_LOCK_BASE_SECONDS,
      maxLockSeconds: config.LOGIN_LOCK_MAX_SECONDS,
      accountDelayAfter: config.LOGIN_ACCOUNT_DELAY_AFTER,
      maxDelayMs: config.LOGIN_ACCOUNT_DELAY_MAX_MS,
    });

    const verification = new VerificationService(
      uow,
      mail,
      otp,
      {
        emailResend: limiter('email-resend', config.EMAIL_RESEND_PER_HOUR),
        phoneStart: limiter('phone-start', config.PHONE_STARTS_PER_HOUR),
      },
      {
        appUrl: config.PUBLIC_APP_URL,
        emailTtlHours: config.EMAIL_TOKEN_TTL_HOURS,
        otpTtlSeconds: config.OTP_TTL_SECONDS,
        phoneMaxAttempts: config.PHONE_MAX_ATTEMPTS,
      },
    );
    const auth = new AuthService({
      uow,
      passwords,
      tokens: issuer,
      refreshTtlMs: config.REFRESH_TOKEN_TTL_DAYS * 86_400_000,
      throttle,
      logger,
      sendEmailVerification: (user) => verification.sendEmailVerification(user),
    });
    const profiles = new ProfileService(uow);
    const social = new SocialService(uow);
    const socialQueries = new SocialQueries(uow, profiles, cursors);
    const governance = new GovernanceService(uow, profiles, cursors);
    const members = new MemberDirectory(uow, profiles, cursors);
    const suspensions = new SuspensionService(uow, logger);
    let resetMailer: PollingWorker | undefined;
    const accountSecurity = new AccountSecurityService(
      uow,
      passwords,
      mail,
      throttle,
      {
        resetByEmail: limiter('reset-by-email', config.PASSWORD_RESET_PER_HOUR),
        resetByIp: limiter('reset-by-ip', config.PASSWORD_RESET_PER_HOUR * 10),
      },
      { appUrl: config.PUBLIC_APP_URL, resetTtlMinutes: config.PASSWORD_RESET_TTL_MINUTES },
      logger,
      () => resetMailer?.wake(),
    );
    // Reset links are minted and mailed off the request path (forgot-password does the same work either way).
    resetMailer = createResetMailer(() => accountSecurity, { pollMs: config.EXPORT_POLL_MS, logger });
    const oauth = new OAuthLoginService(uow, auth, cache, configuredProviders(config), {
      publicApiUrl: config.PUBLIC_API_URL,
      stateTtlSeconds: config.OAUTH_STATE_TTL_SECONDS,
      signupTtlSeconds: config.OAUTH_SIGNUP_TTL_SECONDS,
    });

    const exportPeers = userDataPeers(config.USER_DATA_EXPORT_PEERS, config.EXPORT_PEER_DEADLINE_MS);
    let exportWorker: PollingWorker | undefined;
    const gdpr = new GdprService(uow, passwords, exportPeers.peers, logger, () => exportWorker?.wake());
    exportWorker = createExportWorker(gdpr, { pollMs: config.EXPORT_POLL_MS, logger });

    const workers: Worker[] = [exportWorker, resetMailer];
    const checks: Record<string, () => Promise<void>> = {};
    if (superuser) {
      const passwordHash = passwords.hash(superuser.password);
      passwordHash.catch(() => undefined); // awaited (and reported) by the bootstrap; never an unhandled rejection
      const bootstrap = new SuperuserBootstrap(
        uow,
        {
          email: superuser.email,
          passwordHash,
          country: config.SUPERUSER_COUNTRY,
          city: config.SUPERUSER_CITY,
        },
        logger,
      );
      workers.push(bootstrap);
      checks.superuser = bootstrap.check;
    }

    return {
      async routes(app) {
        await authRoutes(app, auth);
        await verificationRoutes(app, verification, accountSecurity);
        await oauthRoutes(app, oauth, config.PUBLIC_API_URL.startsWith('https://'));
        await profileRoutes(app, profiles);
        await socialRoutes(app, social, socialQueries);
        await governanceRoutes(app, governance);
        await accountRoutes(app, accountSecurity, gdpr);
        await jwksRoutes(app, keys.map(toPublicJwk));
      },
      grpc: [
        implement(
          userV1.UserService,
          userGrpcHandlers({ uow, profiles, social: socialQueries, members, suspensions, governance }),
          logger,
        ),
      ],
      // This service's own section of the archive. Its erasure is not event-driven: DELETE /me anonymizes the
      // account in the request, then publishes users.user.deleted for the others.
      userData: userData(uow, { export: async (userId) => (await gdpr.ownData(userId)) ?? {} }),
      consumers: paymentConsumers(db, uow),
      workers,
      chores: [every('lift expired suspensions', MINUTE, () => suspensions.liftExpired())],
      checks,
      async close() {
        exportPeers.close();
      },
    };
  },
});
