import type { KeyObject } from 'node:crypto';
import { type CryptoKey, createLocalJWKSet, createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { Problem, problems } from '../errors.js';
import { keyId } from './keys.js';
import { MAX_ACCESS_TOKEN_TTL_SECONDS, type RevocationList } from './revocations.js';
import { VerifiedTokens } from './verified-tokens.js';

export const ROLES = ['super', 'ambassador', 'consul', 'premium', 'regular'] as const;
export type Role = (typeof ROLES)[number];

/** Claims of an access token issued by the user service. */
export interface AccessClaims {
  sub: string;
  roles: Role[];
  tier: 'free' | 'premium';
  /** Scope of an ambassador (country) or consul (city); residence otherwise. */
  country?: string;
  city?: string;
  iat: number;
  exp: number;
  jti: string;
  /** The session (refresh-token family) the token belongs to: revoking it refuses the token everywhere. */
  sid?: string;
}

/** A Node `KeyObject` (static keys) or a WebCrypto `CryptoKey` (keys jose imported from a JWKS). */
export type VerificationKey = KeyObject | CryptoKey;

export interface KeySource {
  /** Resolves the verification key for a token's `kid`; throws when unknown. */
  key(kid: string | undefined): Promise<VerificationKey>;
}

const unknownKey = () => problems.invalidToken('The access token was signed by an unknown key.');

export class StaticKeySource implements KeySource {
  private readonly keys = new Map<string, KeyObject>();

  constructor(publicKeys: KeyObject[]) {
    for (const key of publicKeys) this.keys.set(keyId(key), key);
  }

  async key(kid: string | undefined): Promise<KeyObject> {
    const key = kid ? this.keys.get(kid) : undefined;
    if (!key) throw unknownKey();
    return key;
  }
}

type JwksResolver = ReturnType<typeof createLocalJWKSet>;

/**
 * The issuer's JWKS through jose's `createRemoteJWKSet`: fetched lazily on the first token, cached (imported keys
 * included) for `maxAgeMs`, refetched on an unknown kid at most every `minRefreshMs` (key rotation). When a refetch
 * fails, the keys last fetched keep serving; with none fetched yet the caller gets 503.
 */
export class JwksKeySource implements KeySource {
  private readonly remote: ReturnType<typeof createRemoteJWKSet>;
  /** The last JWKS fetched, used only while refetching fails; dropped on the next success. */
  private lastGood: JwksResolver | undefined;

  constructor(url: string, options: { maxAgeMs?: number; minRefreshMs?: number; timeoutMs?: number } = {}) {
    this.remote = createRemoteJWKSet(new URL(url), {
      cacheMaxAge: options.maxAgeMs ?? 600_000,
      cooldownDuration: options.minRefreshMs ?? 30_000,
      timeoutDuration: options.timeoutMs ?? 2000,
    });
  }

  async key(kid: string | undefined): Promise<CryptoKey> {
    // Our tokens always name their key; a JWKS would otherwise pick its only RSA key for a kid-less token.
    if (!kid) throw unknownKey();
    const header = { alg: 'RS256', kid };
    try {
      const key = await this.remote(header);
      this.lastGood = undefined;
      return key;
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw unknownKey();
      }
      // The JWKS could not be fetched (timeout, refused, non-200, malformed): keep serving the keys we have.
      const cached = this.remote.jwks();
      if (!cached) throw problems.unavailable('The token issuer cannot be reached.');
      this.lastGood ??= createLocalJWKSet(cached);
      return this.lastGood(header).catch(() => {
        throw unknownKey();
      });
    }
  }
}

export interface VerifierOptions {
  issuer: string;
  audience: string;
  clockToleranceSeconds?: number;
}

export class TokenVerifier {
  /**
   * Claims of tokens already verified. Issuer and audience are fixed per verifier, so a remembered token only needs
   * its expiry (and the deny-list) checked again. A key withdrawn from the JWKS stops new tokens at once; tokens it
   * signed before stay accepted until they expire (at most an hour, see MAX_ACCESS_TOKEN_TTL_SECONDS).
   */
  private readonly verified = new VerifiedTokens<AccessClaims>();

  constructor(
    private readonly keys: KeySource,
    private readonly options: VerifierOptions,
    /** The deny-list every verified token is checked against (createService always gives one). */
    private readonly revocations?: RevocationList,
  ) {}

  async verify(token: string): Promise<AccessClaims> {
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() / 1000 >= known.exp + (this.options.clockToleranceSeconds ?? 5))
        throw problems.invalidToken('The access token has expired.');
      await this.revocations?.check(known);
      return { ...known, roles: [...known.roles] };
    }
    const claims = await this.verifySignature(token);
    await this.revocations?.check(claims);
    this.verified.remember(token, claims);
    return { ...claims, roles: [...claims.roles] };
  }

  private async verifySignature(token: string): Promise<AccessClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header) => this.keys.key(header.kid), {
        algorithms: ['RS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
      }));
    } catch (error) {
      if (error instanceof Problem) throw error;
      if (error instanceof errors.JWTExpired) throw problems.invalidToken('The access token has expired.');
      if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
        throw problems.invalidToken('The access token is malformed.');
      }
      throw problems.invalidToken('The access token is invalid.');
    }
    const claims = toAccessClaims(payload);
    // Deny-list entries last as long as the longest token may: a longer-lived one could outlive its revocation.
    if (claims.exp - claims.iat > MAX_ACCESS_TOKEN_TTL_SECONDS)
      throw problems.invalidToken('The access token lives too long.');
    return claims;
  }
}

function toAccessClaims(payload: JWTPayload): AccessClaims {
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((role) => ROLES.includes(role)) : [];
  if (typeof payload.sub !== 'string' || !payload.exp || !payload.iat) {
    throw problems.invalidToken('The access token lacks required claims.');
  }
  return {
    sub: payload.sub,
    roles: roles as Role[],
    tier: payload.tier === 'premium' ? 'premium' : 'free',
    ...(typeof payload.country === 'string' ? { country: payload.country } : {}),
    ...(typeof payload.city === 'string' ? { city: payload.city } : {}),
    iat: payload.iat,
    exp: payload.exp,
    jti: typeof payload.jti === 'string' ? payload.jti : '',
    ...(typeof payload.sid === 'string' ? { sid: payload.sid } : {}),
  };
}

export function hasRole(claims: AccessClaims, ...roles: Role[]): boolean {
  return roles.some((role) => claims.roles.includes(role));
}

/** Reads `Authorization: Bearer <token>`; anything else counts as no token. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+)\s*$/i.exec(header);
  return match?.[1];
}
