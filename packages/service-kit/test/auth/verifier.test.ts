import { createServer, type Server } from 'node:http';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, keyId, loadPrivateKey, loadPublicKey, toPublicJwk } from '../../src/auth/keys.js';
import { bearerToken, JwksKeySource, StaticKeySource, TokenVerifier } from '../../src/auth/verifier.js';
import { Problem } from '../../src/errors.js';

const current = generateSigningKey();
const next = generateSigningKey();
const options = { issuer: 'diaspora-users', audience: 'diaspora' };

function sign(
  key: { privateKeyPem: string; publicKeyPem: string },
  claims: object = {},
  signOptions: jwt.SignOptions = {},
) {
  return jwt.sign(
    { roles: ['regular', 'bogus'], tier: 'premium', country: 'FR', ...claims },
    loadPrivateKey(key.privateKeyPem),
    {
      algorithm: 'RS256',
      keyid: keyId(loadPublicKey(key.publicKeyPem)),
      subject: 'usr_1',
      expiresIn: 60,
      ...options,
      ...signOptions,
    },
  );
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
    const claims = await verifier.verify(sign(current));
    expect(claims).toMatchObject({ sub: 'usr_1', roles: ['regular'], tier: 'premium', country: 'FR' });
  });

  it('refuses expired, wrongly-addressed, unknown-key and unsigned tokens with 401', async () => {
    await reject401(verifier.verify(sign(current, {}, { expiresIn: -10 })));
    await reject401(verifier.verify(sign(current, {}, { audience: 'elsewhere' })));
    await reject401(verifier.verify(sign(current, {}, { issuer: 'elsewhere' })));
    await reject401(verifier.verify(sign(next)));
    await reject401(verifier.verify(jwt.sign({ sub: 'usr_1' }, 'shared-secret', { algorithm: 'HS256', ...options })));
    await reject401(verifier.verify('garbage'));
  });
});

describe('JwksKeySource', () => {
  it('fetches lazily, caches, and refetches for a new key id (rotation)', async () => {
    requests = 0;
    const verifier = new TokenVerifier(new JwksKeySource(jwksUrl, { minRefreshMs: 0 }), options);
    await verifier.verify(sign(current));
    await verifier.verify(sign(current));
    expect(requests).toBe(1);
    served = [next, current];
    await verifier.verify(sign(next));
    expect(requests).toBe(2);
  });

  it('answers 503 when the issuer cannot be reached and nothing is cached', async () => {
    const verifier = new TokenVerifier(new JwksKeySource('http://127.0.0.1:9/jwks.json', { timeoutMs: 500 }), options);
    const error = await verifier.verify(sign(current)).catch((caught: unknown) => caught);
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
