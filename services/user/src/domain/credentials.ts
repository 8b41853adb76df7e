import { createHash, type KeyObject, randomBytes } from 'node:crypto';
import { keyId } from '@diaspora/service-kit';
import bcrypt from 'bcrypt';
import { SignJWT } from 'jose';
import type { AccessTokenIssuer, PasswordHasher } from './ports.js';
import { tokenScope, type UserRecord } from './user.js';

export class BcryptHasher implements PasswordHasher {
  private readonly decoy: Promise<string>;

  constructor(private readonly cost: number) {
    this.decoy = bcrypt.hash(randomBytes(16).toString('hex'), cost);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  async verifyNothing(password: string): Promise<void> {
    await bcrypt.compare(password, await this.decoy);
  }
}

/** Signs short-lived RS256 access tokens carrying what services authorize on. */
export class JwtIssuer implements AccessTokenIssuer {
  private readonly kid: string;

  constructor(
    private readonly privateKey: KeyObject,
    publicKey: KeyObject,
    private readonly options: { issuer: string; audience: string; ttlSeconds: number },
  ) {
    this.kid = keyId(publicKey);
  }

  async issue(user: UserRecord, sessionId: string) {
    const accessToken = await new SignJWT({
      roles: user.roles,
      tier: user.tier,
      ...tokenScope(user),
      // Beyond the agreed claims: the session (refresh-token family) this token belongs to, and whether the
      // member proved their email (services may require it, e.g. to create events).
      sid: sessionId,
      email_verified: user.emailVerified,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(`${this.options.ttlSeconds}s`)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.privateKey);
    return { accessToken, expiresIn: this.options.ttlSeconds };
  }
}

/** Opaque refresh tokens: 256 random bits shown once; only their SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: Buffer } {
  const token = `rt_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
