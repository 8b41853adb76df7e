import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface PublicJwk {
  kty: 'RSA';
  kid: string;
  use: 'sig';
  alg: 'RS256';
  n: string;
  e: string;
}

/** RFC 7638 thumbprint: a stable `kid` derived from the key itself, so every replica agrees without coordination. */
export function keyId(publicKey: KeyObject): string {
  const { e, n } = publicKey.export({ format: 'jwk' }) as { e: string; n: string };
  return createHash('sha256')
    .update(JSON.stringify({ e, kty: 'RSA', n }))
    .digest('base64url');
}

export function toPublicJwk(key: KeyObject): PublicJwk {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const { e, n } = publicKey.export({ format: 'jwk' }) as { e: string; n: string };
  return { kty: 'RSA', kid: keyId(publicKey), use: 'sig', alg: 'RS256', n, e };
}

/** Accepts PEM with real newlines or with `\n` escapes (as env vars and Helm values often carry them). */
export function parsePem(pem: string): string {
  return pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
}

export function loadPrivateKey(pem: string): KeyObject {
  return createPrivateKey(parsePem(pem));
}

export function loadPublicKey(pem: string): KeyObject {
  return createPublicKey(parsePem(pem));
}

export function generateSigningKey(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}
