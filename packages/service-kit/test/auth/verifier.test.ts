import { createServer, type Server } from 'node:http';
import { calculateJwkThumbprint, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateSigningKey, keyId, loadPrivateKey, loadPublicKey, toPublicJwk } from '../../src/auth/keys.js';
import { RevocationList } from '../../src/auth/revocations.js';
import { bearerToken, JwksKeySource, StaticKeySource, TokenVerifier } from '../../src/auth/verifier.js';
import { MemoryCache } from '../../src/cache/memory.js';
import { Problem } from '../../src/errors.js';

const current = generateSigningKey();
const next = generateSigningKey();
const options = { issuer: 'diaspora-users', audience: 'diaspora' };

interface SignOptions {
  expiresIn?: number;
  audience?: string;
  issuer?: string;
  /** Leave `kid` out of the header. */
  noKid?: boolean;
}

function sign(
  key: { privateKeyPem: string; publicKeyPem: string },
  claims: object = {},
  signOptions: SignOptions = {},
) {
  const { expiresIn = 60, noKid = false, ...addressed } = { ...options, ...signOptions };
  const kid = keyId(loadPublicKey(key.publicKeyPem));
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: ['regular', 'bogus'], tier: 'premium', country: 'FR', ...claims })
    .setProtectedHeader(noKid ? { alg: 'RS256' } : { alg: 'RS256', kid })
    .setIssuer(addressed.issuer)
    .setAudience(addressed.audience)
    .setSubject('usr_1')
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(loadPrivateKey(key.privateKeyPem));
}

let served = [current];
let requests = 0;
let server: Server;
let jwksUrl: string;
beforeAll(async () => {
  server = createServer((_request, response) => {
    requests++;
    response.end(JSON.stringify({ keys: served.map((key) => toPublicJwk(loadPublicKey(key.publicKeyPem))) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const reject401 = (promise: Promise<unknown>) => expect(promise).rejects.toMatchObject({ status: 401 });

describe('TokenVerifier', () => {
  const verifier = new TokenVerifier(new StaticKeySource([loadPublicKey(current.publicKeyPem)]), options);

  it('accepts a valid token and keeps only known roles', async () => {
    const claims = await verifier.verify(await sign(current));
    expect(claims).toMatchObject({ sub: 'usr_1', roles: ['regular'], tier: 'premium', country: 'FR' });
  });

  it('refuses expired, wrongly-addressed, unknown-key and unsigned tokens with 401', async () => {
    await reject401(verifier.verify(await sign(current, {}, { expiresIn: -10 })));
    await reject401(verifier.verify(await sign(current, {}, { audience: 'elsewhere' })));
    await reject401(verifier.verify(await sign(current, {}, { issuer: 'elsewhere' })));
    await reject401(verifier.verify(await sign(next)));
    await reject401(verifier.verify(await sign(current, {}, { noKid: true })));
    const hs256 = await new SignJWT({ sub: 'usr_1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .sign(new TextEncoder().encode('shared-secret'));
    await reject401(verifier.verify(hs256));
    await reject401(verifier.verify('garbage'));
  });

  it('says why: expired and malformed tokens are named as such', async () => {
    await expect(verifier.verify(await sign(current, {}, { expiresIn: -10 }))).rejects.toMatchObject({
      detail: 'The access token has expired.',
    });
    await expect(verifier.verify('a.b.c')).rejects.toMatchObject({ detail: 'The access token is malformed.' });
  });

  it('tolerates 5 seconds of clock skew by default', async () => {
    await expect(verifier.verify(await sign(current, {}, { expiresIn: -3 }))).resolves.toMatchObject({ sub: 'usr_1' });
    const strict = new TokenVerifier(new StaticKeySource([loadPublicKey(current.publicKeyPem)]), {
      ...options,
      clockToleranceSeconds: 0,
    });
    await reject401(strict.verify(await sign(current, {}, { expiresIn: -3 })));
  });
});

describe('TokenVerifier remembering verified tokens', () => {
  afterEach(() => vi.restoreAllMocks());
  const keys = new StaticKeySource([loadPublicKey(current.publicKeyPem)]);

  it("checks a token's signature once, and hands each caller its own copy of the claims", async () => {
    const lookups = vi.spyOn(keys, 'key');
    const verifier = new TokenVerifier(keys, options);
    const token = await sign(current);
    const first = await verifier.verify(token);
    first.roles.push('super');
    const second = await verifier.verify(token);
    expect(lookups).toHaveBeenCalledTimes(1);
    expect(second.roles).toEqual(['regular']);
  });

  it('still refuses a remembered token once it expires', async () => {
    const verifier = new TokenVerifier(keys, { ...options, clockToleranceSeconds: 0 });
    const token = await sign(current, {}, { expiresIn: 60 });
    await verifier.verify(token);
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 61_000);
    await expect(verifier.verify(token)).rejects.toMatchObject({
      status: 401,
      detail: 'The access token has expired.',
    });
  });

  it('still refuses a remembered token once its session is revoked', async () => {
    const revocations = new RevocationList(new MemoryCache());
    const verifier = new TokenVerifier(keys, options, revocations);
    const token = await sign(current, { sid: 'ses_1' });
    await verifier.verify(token);
    await revocations.revokeSession('ses_1');
    await reject401(verifier.verify(token));
  });
});

describe('keyId', () => {
  it('is the RFC 7638 thumbprint jose computes', async () => {
    const jwk = toPublicJwk(loadPublicKey(current.publicKeyPem));
    expect(jwk.kid).toBe(await calculateJwkThumbprint(jwk));
    expect(keyId(loadPrivateKey(current.privateKeyPem))).toBe(jwk.kid);
  });
});

describe('JwksKeySource', () => {
  it('fetches lazily, caches, and refetches for a new key id (rotation)', async () => {
    requests = 0;
    const verifier = new TokenVerifier(new JwksKeySource(jwksUrl, { minRefreshMs: 0 }), options);
    await verifier.verify(await sign(current));
    await verifier.verify(await sign(current));
    expect(requests).toBe(1);
    served = [next, current];
    await verifier.verify(await sign(next));
    expect(requests).toBe(2);
  });

  it('does not refetch for an unknown key id within minRefreshMs', async () => {
    requests = 0;
    served = [current];
    const verifier = new TokenVerifier(new JwksKeySource(jwksUrl), options);
    await verifier.verify(await sign(current));
    await reject401(verifier.verify(await sign(next)));
    await reject401(verifier.verify(await sign(next)));
    expect(requests).toBe(1);
  });

  it('keeps serving the keys it has when a refetch fails', async () => {
    served = [current];
    let up = true;
    const flaky = createServer((_request, response) => {
      if (!up) return response.writeHead(500).end();
      response.end(JSON.stringify({ keys: served.map((key) => toPublicJwk(loadPublicKey(key.publicKeyPem))) }));
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(flaky.address() as { port: number }).port}/jwks.json`;
      const verifier = new TokenVerifier(new JwksKeySource(url, { maxAgeMs: 0, minRefreshMs: 0 }), options);
      await verifier.verify(await sign(current));
      up = false;
      await expect(verifier.verify(await sign(current))).resolves.toMatchObject({ sub: 'usr_1' });
      await reject401(verifier.verify(await sign(next)));
    } finally {
      await new Promise((resolve) => flaky.close(resolve));
    }
  });

  it('answers 503 when the issuer cannot be reached and nothing is cached', async () => {
    const verifier = new TokenVerifier(new JwksKeySource('http://127.0.0.1:9/jwks.json', { timeoutMs: 500 }), options);
    const error = await verifier.verify(await sign(current)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Problem);
    expect((error as Problem).status).toBe(503);
  });
});

describe('bearerToken', () => {
  it('reads only well-formed Bearer headers', () => {
    expect(bearerToken('Bearer a.b.c')).toBe('a.b.c');
    expect(bearerToken('bearer a.b.c ')).toBe('a.b.c');
    expect(bearerToken('Basic a.b.c')).toBeUndefined();
    expect(bearerToken('Bearer abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
