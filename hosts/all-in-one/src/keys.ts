import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKey } from '@diaspora/service-kit';

/** The token signing key of this installation, created on first start and kept so sessions survive restarts. */
export function ensureSigningKey(dataDir: string): { privateKeyPem: string; publicKeyPem: string } {
  const dir = join(dataDir, 'keys');
  const privatePath = join(dir, 'jwt-signing.key.pem');
  const publicPath = join(dir, 'jwt-signing.pub.pem');
  if (existsSync(privatePath) && existsSync(publicPath)) {
    return { privateKeyPem: readFileSync(privatePath, 'utf8'), publicKeyPem: readFileSync(publicPath, 'utf8') };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = generateSigningKey();
  writeFileSync(privatePath, key.privateKeyPem, { mode: 0o600 });
  writeFileSync(publicPath, key.publicKeyPem);
  return key;
}
