import { createPublicKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Problem, problems } from '../errors.js';
import { keyId, type PublicJwk } from './keys.js';

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
}

export interface KeySource {
  /** Resolves the verification key for a token's `kid`; throws when unknown. */
  key(kid: string | undefined): Promise<KeyObject>;
}

export class StaticKeySource implements KeySource {
  private readonly keys = new Map<string, KeyObject>();

  constructor(publicKeys: KeyObject[]) {
    for (const key of publicKeys) this.keys.set(keyId(key), key);
  }

  async key(kid: string | undefined): Promise<KeyObject> {
    const key = kid ? this.keys.get(kid) : undefined;
    if (!key) throw problems.invalidToken('The access token was signed by an unknown key.');
    return key;
  }
}

/** Fetches the issuer's JWKS lazily, caches it, and refetches (at most every `minRefreshMs`) on an unknown kid. */
export class JwksKeySource implements KeySource {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly options: { maxAgeMs?: number; minRefreshMs?: number; timeoutMs?: number } = {},
  ) {}

  async key(kid: string | undefined): Promise<KeyObject> {
    const now = Date.now();
    const stale = now - this.fetchedAt > (this.options.maxAgeMs ?? 600_000);
    const unknown = !kid || !this.keys.has(kid);
    if (stale || (unknown && now - this.fetchedAt > (this.options.minRefreshMs ?? 30_000))) await this.refresh();
    const key = kid ? this.keys.get(kid) : undefined;
    if (!key) throw problems.invalidToken('The access token was signed by an unknown key.');
    return key;
  }

  private refresh(): Promise<void> {
    this.pending ??= (async () => {
      try {
        const response = await fetch(this.url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 2000) });
        if (!response.ok) throw new Error(`JWKS ${this.url} answered ${response.status}`);
        const { keys } = (await response.json()) as { keys: PublicJwk[] };
        this.keys = new Map(keys.map((jwk) => [jwk.kid, createPublicKey({ key: { ...jwk }, format: 'jwk' })]));
        this.fetchedAt = Date.now();
      } catch (error) {
        // Keep serving the keys we have; callers with unknown kids get 401, and a later call retries.
        if (this.keys.size === 0) throw problems.unavailable('The token issuer cannot be reached.');
        void error;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}

export interface VerifierOptions {
  issuer: string;
  audience: string;
  clockToleranceSeconds?: number;
}

export class TokenVerifier {
  constructor(
    private readonly keys: KeySource,
    private readonly options: VerifierOptions,
  ) {}

  async verify(token: string): Promise<AccessClaims> {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw problems.invalidToken('The access token is malformed.');
    const key = await this.keys.key(decoded.header.kid);
    try {
      const claims = jwt.verify(token, key, {
        algorithms: ['RS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
      }) as jwt.JwtPayload;
      return toAccessClaims(claims);
    } catch (error) {
      if (error instanceof Problem) throw error;
      const expired = error instanceof jwt.TokenExpiredError;
      throw problems.invalidToken(expired ? 'The access token has expired.' : 'The access token is invalid.');
    }
  }
}

function toAccessClaims(payload: jwt.JwtPayload): AccessClaims {
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
