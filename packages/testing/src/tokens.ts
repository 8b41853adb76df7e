import { createServer } from 'node:http';
import type { AccessClaims } from '@diaspora/service-kit';
import { generateSigningKey, keyId, loadPrivateKey, loadPublicKey, toPublicJwk } from '@diaspora/service-kit';
import jwt from 'jsonwebtoken';

let cached: { privateKeyPem: string; publicKeyPem: string } | undefined;

/** One RSA key per test worker: generating keys is slow enough to matter when every file needs one. */
export function testSigningKey() {
  cached ??= generateSigningKey();
  return cached;
}

export const TEST_ISSUER = 'diaspora-users';
export const TEST_AUDIENCE = 'diaspora';

/** Signs an access token the way the user service does, for testing services that only verify. */
export function issueTestToken(
  claims: Partial<AccessClaims> & { sub: string },
  options: { expiresInSeconds?: number } = {},
) {
  const { privateKeyPem, publicKeyPem } = testSigningKey();
  const { sub, iat: _iat, exp: _exp, ...rest } = claims;
  return jwt.sign({ roles: ['regular'], tier: 'free', ...rest }, loadPrivateKey(privateKeyPem), {
    algorithm: 'RS256',
    keyid: keyId(loadPublicKey(publicKeyPem)),
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    subject: sub,
    expiresIn: options.expiresInSeconds ?? 300,
    jwtid: `jti-${Math.random().toString(36).slice(2)}`,
  });
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
