import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../config.js';
import { parsePem } from './keys.js';

/**
 * Service identities: each service signs its internal gRPC calls with its own Ed25519 key; the services it serves
 * verify with its public key, found by service name (the token's `kid` and `iss`).
 */

export interface ServiceKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A peer's public key as published in SERVICE_PEER_KEYS: `kid` is the service's name. */
export interface ServicePublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
}

export function generateServiceKeyPair(): ServiceKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

export function servicePublicJwk(service: string, publicKeyPem: string): ServicePublicJwk {
  const { x } = createPublicKey(parsePem(publicKeyPem)).export({ format: 'jwk' }) as { x: string };
  return { kty: 'OKP', crv: 'Ed25519', x, kid: service, use: 'sig', alg: 'EdDSA' };
}

/** The JWKS text of SERVICE_PEER_KEYS for these services' public keys. */
export function servicePeerJwks(publicKeys: Record<string, string>): string {
  return JSON.stringify({ keys: Object.entries(publicKeys).map(([name, pem]) => servicePublicJwk(name, pem)) });
}

/** Where the verifying side finds the public key of a calling service. */
export interface PeerKeys {
  /** The service's public key, or undefined when it is not a known peer. */
  key(service: string): KeyObject | undefined;
}

export class StaticPeerKeys implements PeerKeys {
  constructor(private readonly keys: ReadonlyMap<string, KeyObject>) {}

  /** Reads a JWKS (`{"keys":[{kty:"OKP",crv:"Ed25519",x,kid:<service>}]}`); throws on anything else. */
  static fromJwks(text: string): StaticPeerKeys {
    let document: { keys?: unknown };
    try {
      document = JSON.parse(text) as { keys?: unknown };
    } catch {
      throw new Error('is not JSON (expected a JWKS of Ed25519 keys named by service)');
    }
    if (!Array.isArray(document.keys)) throw new Error('has no "keys" array');
    const keys = new Map<string, KeyObject>();
    for (const jwk of document.keys as Record<string, unknown>[]) {
      if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.kid !== 'string')
        throw new Error('holds a key that is not an Ed25519 public JWK with a kid');
      keys.set(jwk.kid, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }));
    }
    return new StaticPeerKeys(keys);
  }

  key(service: string): KeyObject | undefined {
    return this.keys.get(service);
  }
}

const keyDir = (dataDir: string) => join(resolve(dataDir), 'service-keys');
const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * The key pair of `service` under `$DATA_DIR/service-keys/` (all-in-one, local runs), created on first use and
 * kept, like `serviceSecret`. Two processes racing on one DATA_DIR keep the first one's key.
 */
export function ensureServiceKeyPair(dataDir: string, service: string): ServiceKeyPair {
  if (!SERVICE_NAME.test(service)) throw new Error(`invalid service name "${service}"`);
  const dir = keyDir(dataDir);
  const privatePath = join(dir, `${service}.key.pem`);
  const publicPath = join(dir, `${service}.pub.pem`);
  if (!existsSync(privatePath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(privatePath, generateServiceKeyPair().privateKeyPem, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(privatePath, 0o600);
  const privateKeyPem = readFileSync(privatePath, 'utf8');
  const publicKeyPem = createPublicKey(createPrivateKey(privateKeyPem))
    .export({ format: 'pem', type: 'spki' })
    .toString();
  // Derived from the private key each time, so a public file can never disagree with it.
  writeFileSync(publicPath, publicKeyPem);
  return { privateKeyPem, publicKeyPem };
}

/** Peers' public keys read from `$DATA_DIR/service-keys/<name>.pub.pem`, as each service writes its own. */
class DirectoryPeerKeys implements PeerKeys {
  private readonly keys = new Map<string, KeyObject>();

  constructor(private readonly dir: string) {}

  key(service: string): KeyObject | undefined {
    if (!SERVICE_NAME.test(service)) return undefined;
    let key = this.keys.get(service);
    const file = join(this.dir, `${service}.pub.pem`);
    if (!key && existsSync(file)) {
      key = createPublicKey(readFileSync(file, 'utf8'));
      this.keys.set(service, key);
    }
    return key;
  }
}

export interface ServiceKeys {
  privateKey: KeyObject;
  peers: PeerKeys;
}

/**
 * The service's signing key and its peers' public keys: from SERVICE_PRIVATE_KEY and SERVICE_PEER_KEYS
 * (distributed mode: secrets), else generated and shared under DATA_DIR (all-in-one). With neither, boot stops.
 */
export function resolveServiceKeys(options: {
  service: string;
  privateKeyPem?: string | undefined;
  peerJwks?: string | undefined;
  dataDir?: string | undefined;
}): ServiceKeys {
  const fail = (line: string) =>
    new ConfigError(`invalid configuration for the ${options.service} service:\n  - ${line}`);
  let privateKey: KeyObject;
  if (options.privateKeyPem) {
    try {
      privateKey = createPrivateKey(parsePem(options.privateKeyPem));
    } catch {
      throw fail('SERVICE_PRIVATE_KEY: is not a PEM private key');
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') throw fail('SERVICE_PRIVATE_KEY: must be an Ed25519 key');
  } else if (options.dataDir) {
    privateKey = createPrivateKey(ensureServiceKeyPair(options.dataDir, options.service).privateKeyPem);
  } else {
    throw fail('SERVICE_PRIVATE_KEY: is required (or DATA_DIR)');
  }
  let peers: PeerKeys;
  if (options.peerJwks) {
    try {
      peers = StaticPeerKeys.fromJwks(options.peerJwks);
    } catch (error) {
      throw fail(`SERVICE_PEER_KEYS: ${(error as Error).message}`);
    }
  } else if (options.dataDir) {
    peers = new DirectoryPeerKeys(keyDir(options.dataDir));
  } else {
    throw fail('SERVICE_PEER_KEYS: is required (or DATA_DIR)');
  }
  return { privateKey, peers };
}
