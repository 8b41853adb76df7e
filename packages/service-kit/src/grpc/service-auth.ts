import { AsyncLocalStorage } from 'node:async_hooks';
import type { KeyObject } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { PeerKeys } from '../auth/service-keys.js';
import { bearerToken } from '../auth/verifier.js';
import { Problem, problems } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AccessPolicy } from './access.js';

/** Longest life of a service token; verifiers refuse longer ones. */
export const SERVICE_TOKEN_TTL_SECONDS = 300;
/** A cached token is re-signed once less than this is left, so none expires in flight. */
const RESIGN_BEFORE_SECONDS = 60;
const CLOCK_TOLERANCE_SECONDS = 5;

/** What a gRPC client signs its calls with: a service's identity (or a test harness's). */
export interface CallerIdentity {
  readonly name: string;
  /** How its clients connect (mutual TLS, see grpc/tls.ts); plain TCP when absent. */
  readonly channelCredentials?: grpc.ChannelCredentials | undefined;
  /** A bearer token for a call to `target` (a service name; undefined when the client could not tell it). */
  tokenFor(target: string | undefined): Promise<string>;
}

/** The identity of one service: short-lived EdDSA tokens (`iss` = itself, `aud` = the callee), cached per callee. */
export class ServiceIdentity implements CallerIdentity {
  private readonly tokens = new Map<string, { token: Promise<string>; refreshAt: number }>();

  /** `privateKey` may be a getter: createService reads the key after setup, so config errors there come first. */
  constructor(
    readonly name: string,
    private readonly privateKey: KeyObject | (() => KeyObject),
    readonly channelCredentials?: grpc.ChannelCredentials,
  ) {}

  tokenFor(target: string | undefined): Promise<string> {
    if (!target)
      return Promise.reject(
        new Error(`${this.name}: this client's target service is unknown; pass createClient's target`),
      );
    const now = Math.floor(Date.now() / 1000);
    const cached = this.tokens.get(target);
    if (cached && cached.refreshAt > now) return cached.token;
    const token = new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: this.name })
      .setIssuer(this.name)
      .setAudience(target)
      .setIssuedAt(now)
      .setExpirationTime(now + SERVICE_TOKEN_TTL_SECONDS)
      .sign(typeof this.privateKey === 'function' ? this.privateKey() : this.privateKey);
    this.tokens.set(target, { token, refreshAt: now + SERVICE_TOKEN_TTL_SECONDS - RESIGN_BEFORE_SECONDS });
    token.catch(() => this.tokens.delete(target));
    return token;
  }
}

const scope = new AsyncLocalStorage<CallerIdentity>();
let fallback: CallerIdentity | undefined;

/**
 * Runs `fn` as `identity`: gRPC clients created inside (a service's setup, see createService) sign their calls
 * with it. That is how createClient attaches the right identity with no argument, even with many services in
 * one process (all-in-one).
 */
export function runAsService<T>(identity: CallerIdentity, fn: () => T): T {
  return scope.run(identity, fn);
}

/** The identity clients created here sign with: the enclosing service's, else the process default (tests). */
export function currentCallerIdentity(): CallerIdentity | undefined {
  return scope.getStore() ?? fallback;
}

/** For test harnesses only: the identity of clients created outside any service. */
export function setDefaultCallerIdentity(identity: CallerIdentity | undefined): void {
  fallback = identity;
}

/** Checks one incoming call before its handler runs; throws a 401/403 Problem to refuse it. */
export interface CallGuard {
  authorize(path: string, metadata: grpc.Metadata): Promise<void>;
}

const MAX_VERIFIED = 1000;

/**
 * Deny by default: a call needs a service token signed by a known peer, addressed to this service, unexpired and
 * short-lived (401 otherwise), from a caller the access policy lists for the method (403 otherwise). Verified
 * tokens are remembered until they expire: callers reuse one token for minutes, so most calls verify nothing.
 */
export class ServiceCallGuard implements CallGuard {
  private readonly verified = new Map<string, Promise<{ caller: string; exp: number }>>();

  constructor(
    private readonly service: string,
    private readonly peers: PeerKeys,
    private readonly policy: AccessPolicy,
    private readonly logger: Logger,
  ) {}

  async authorize(path: string, metadata: grpc.Metadata): Promise<void> {
    const [header] = metadata.get('authorization');
    const token = bearerToken(header?.toString());
    if (!token) throw this.refuse(path, 401, 'A service token is required.');
    const caller = await this.callerOf(token, path);
    if (!this.policy.allows(path, caller)) throw this.refuse(path, 403, `${caller} may not call ${path}.`, caller);
  }

  /** Verifies once per token (concurrent calls with a new token share one verification). */
  private async callerOf(token: string, path: string): Promise<string> {
    const known = this.verified.get(token);
    if (known) {
      const { caller, exp } = await known.catch(() => ({ caller: '', exp: 0 }));
      if (exp > Date.now() / 1000) return caller;
    }
    const verification = this.verify(token);
    if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
    this.verified.set(token, verification);
    try {
      return (await verification).caller;
    } catch (error) {
      this.verified.delete(token);
      const reason =
        error instanceof Problem
          ? (error.detail ?? 'invalid')
          : error instanceof errors.JWTExpired
            ? 'expired'
            : error instanceof errors.JWTClaimValidationFailed
              ? `claim ${error.claim} invalid`
              : 'invalid signature or format';
      throw this.refuse(path, 401, 'The service token is invalid.', undefined, reason);
    }
  }

  private async verify(token: string): Promise<{ caller: string; exp: number }> {
    const { payload, protectedHeader } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid ? this.peers.key(header.kid) : undefined;
        if (!key) throw new Problem(401, { detail: 'unknown caller' });
        return key;
      },
      {
        algorithms: ['EdDSA', 'Ed25519'],
        audience: this.service,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['iss', 'aud', 'iat', 'exp'],
      },
    );
    const exp = payload.exp!;
    const caller = payload.iss!;
    // The key names the caller; a token claiming another issuer is a forgery attempt.
    if (caller !== protectedHeader.kid) throw new Problem(401, { detail: 'issuer does not match key' });
    const now = Date.now() / 1000;
    if (
      exp - payload.iat! > SERVICE_TOKEN_TTL_SECONDS ||
      exp - now > SERVICE_TOKEN_TTL_SECONDS + CLOCK_TOLERANCE_SECONDS
    )
      throw new Problem(401, { detail: 'token lives too long' });
    return { caller, exp };
  }

  private refuse(path: string, status: 401 | 403, detail: string, caller?: string, reason?: string): Problem {
    this.logger.warn({ path, caller, reason: reason ?? detail, status }, 'internal call refused');
    return status === 401 ? new Problem(401, { type: 'invalid-service-token', detail }) : problems.forbidden(detail);
  }
}
