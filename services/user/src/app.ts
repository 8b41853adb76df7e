import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { implement, userV1 } from '@diaspora/proto';
import { defineService, loadPrivateKey, loadPublicKey, StaticKeySource, toPublicJwk } from '@diaspora/service-kit';
import { userConfig } from './config.js';
import { AuthService } from './domain/auth.js';
import { BcryptHasher, JwtIssuer } from './domain/credentials.js';
import { ProfileService } from './domain/profile.js';
import { userGrpcHandlers } from './grpc/user-grpc.js';
import { authRoutes } from './http/auth-routes.js';
import { jwksRoutes } from './http/jwks-routes.js';
import { profileRoutes } from './http/profile-routes.js';
import { migrations } from './store/migrations.js';
import { PgUnitOfWork } from './store/unit-of-work.js';

/** PEM bundle → keys (a retired-keys variable may hold several concatenated PEMs). */
function publicKeys(privateKey: KeyObject, retiredPems: string | undefined): KeyObject[] {
  const retired = (
    retiredPems?.replace(/\\n/g, '\n').match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? []
  ).map((pem) => loadPublicKey(pem));
  return [createPublicKey(privateKey), ...retired];
}

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
  async setup({ config, db, outbox, logger }) {
    const privateKey = loadPrivateKey(config.JWT_PRIVATE_KEY);
    const keys = publicKeys(privateKey, config.JWT_RETIRED_PUBLIC_KEYS);
    const uow = new PgUnitOfWork(db, outbox);
    const issuer = new JwtIssuer(privateKey, keys[0]!, {
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    });
    const auth = new AuthService(
      uow,
      new BcryptHasher(config.BCRYPT_COST),
      issuer,
      config.REFRESH_TOKEN_TTL_DAYS * 86_400_000,
    );
    const profiles = new ProfileService(uow);
    return {
      async routes(app) {
        await authRoutes(app, auth);
        await profileRoutes(app, profiles);
        await jwksRoutes(app, keys.map(toPublicJwk));
      },
      grpc: [implement(userV1.UserService, userGrpcHandlers(profiles), logger)],
    };
  },
});
