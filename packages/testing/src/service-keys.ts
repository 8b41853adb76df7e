import { createPrivateKey, sign } from 'node:crypto';
import {
  AccessPolicy,
  type CallerIdentity,
  type CallGuard,
  createLogger,
  generateServiceKeyPair,
  SERVICE_TOKEN_TTL_SECONDS,
  ServiceCallGuard,
  type ServiceKeyPair,
  StaticPeerKeys,
  servicePeerJwks,
  setDefaultCallerIdentity,
} from '@diaspora/service-kit';

/** The caller name of test code itself (clients a test file creates); allowed only on the service under test. */
export const TEST_CALLER = 'tests';

const PLATFORM = ['user', 'event', 'content', 'messaging', 'notification', 'payment', 'search', 'integration', 'admin'];
const keys = new Map<string, ServiceKeyPair>();

/** The test key pair of `service` (one per test worker, made on first use). */
export function testServiceKeyPair(service: string): ServiceKeyPair {
  let pair = keys.get(service);
  if (!pair) {
    pair = generateServiceKeyPair();
    keys.set(service, pair);
  }
  return pair;
}

/** SERVICE_PEER_KEYS for tests: every platform service, the test caller and any service a test made keys for. */
export function testServicePeerKeys(): string {
  for (const name of [...PLATFORM, TEST_CALLER]) testServiceKeyPair(name);
  return servicePeerJwks(Object.fromEntries([...keys].map(([name, pair]) => [name, pair.publicKeyPem])));
}

/** The environment that gives a service under test its identity and its peers' keys. */
export function testServiceKeyEnv(service: string): { SERVICE_PRIVATE_KEY: string; SERVICE_PEER_KEYS: string } {
  return { SERVICE_PRIVATE_KEY: testServiceKeyPair(service).privateKeyPem, SERVICE_PEER_KEYS: testServicePeerKeys() };
}

/** proto/access.yaml plus the test caller on every method: the policy of a service under test. */
export function testAccessPolicy(): AccessPolicy {
  return AccessPolicy.load().allowingEverywhere(TEST_CALLER);
}

/**
 * Signs as `name` for any audience (`aud` lists every service with test keys), so a test can call whatever
 * service it started without naming it. Signed with node:crypto (EdDSA), checked by the kit with jose.
 */
export function testCallerIdentity(name = TEST_CALLER): CallerIdentity {
  return {
    name,
    async tokenFor(target) {
      testServicePeerKeys();
      const now = Math.floor(Date.now() / 1000);
      const header = { alg: 'EdDSA', typ: 'JWT', kid: name };
      const audience = target ? [target] : [...keys.keys()];
      const payload = { iss: name, aud: audience, iat: now, exp: now + SERVICE_TOKEN_TTL_SECONDS };
      const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
      const input = `${encode(header)}.${encode(payload)}`;
      const key = createPrivateKey(testServiceKeyPair(name).privateKeyPem);
      return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
    },
  };
}

/** The guard a fake `service` checks calls with: real keys of the test keyring, proto/access.yaml unwidened. */
export function testCallGuard(service: string): CallGuard {
  return new ServiceCallGuard(
    service,
    StaticPeerKeys.fromJwks(testServicePeerKeys()),
    AccessPolicy.load(),
    createLogger({ service: `fake-${service}`, level: 'silent' }),
  );
}

// Clients that test code creates (outside any service) call as the test caller.
setDefaultCallerIdentity(testCallerIdentity());
