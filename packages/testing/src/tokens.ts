import { sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AccessClaims } from '@diaspora/service-kit';
import { generateSigningKey, keyId, loadPrivateKey, loadPublicKey, toPublicJwk } from '@diaspora/service-kit';

let cached: { privateKeyPem: string; publicKeyPem: string } | undefined;

/** One RSA key per test worker: generating keys is slow enough to matter when every file needs one. */
export function testSigningKey() {
  cached ??= generateSigningKey();
  return cached;
}

export const TEST_ISSUER = 'diaspora-users';
export const TEST_AUDIENCE = 'diaspora';

/**
 * Signs an access token the way the user service does, for testing services that only verify.
 *
 * Signed here with node:crypto rather than jose because jose only signs asynchronously and the test suites call
 * this synchronously; the services verify these tokens with jose, so the two implementations check each other.
 */
export function issueTestToken(
  claims: Partial<AccessClaims> & { sub: string },
  options: { expiresInSeconds?: number } = {},
) {
  const { privateKeyPem, publicKeyPem } = testSigningKey();
  const { sub, iat: _iat, exp: _exp, ...rest } = claims;
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: keyId(loadPublicKey(publicKeyPem)) };
  const payload = {
    roles: ['regular'],
    tier: 'free',
    ...rest,
    iat: now,
    exp: now + (options.expiresInSeconds ?? 300),
    aud: TEST_AUDIENCE,
    iss: TEST_ISSUER,
    sub,
    jti: `jti-${Math.random().toString(36).slice(2)}`,
  };
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(payload)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), loadPrivateKey(privateKeyPem)).toString('base64url')}`;
}

let jwksUrl: Promise<string> | undefined;

/** A real JWKS endpoint on loopback serving the test key, so services verify tokens exactly as in production. */
export function testJwksUrl(): Promise<string> {
  jwksUrl ??= new Promise((resolve) => {
    const body = JSON.stringify({ keys: [toPublicJwk(loadPublicKey(testSigningKey().publicKeyPem))] });
    const server = createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(body),
    );
    server.unref();
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`),
    );
  });
  return jwksUrl;
}
