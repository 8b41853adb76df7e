#!/usr/bin/env node
// The service identities of signed internal gRPC (proto/access.yaml, SECURITY.md) as Kubernetes Secrets:
// one Ed25519 key per service in Secret <name>-service-identity (key private.pem, mounted as SERVICE_PRIVATE_KEY
// by that service only) and every public key in Secret diaspora-service-peers (key jwks.json, kid = service,
// mounted as SERVICE_PEER_KEYS by all). Pods read them at boot: after a change, restart every service.
//   node deploy/helm/service-identities.mjs -n diaspora-prod | kubectl apply -f -
// Options: -n/--namespace NS, --services user,event,… (default: all nine).
// The keys exist only in the output: pipe it straight into kubectl (or your secret store), never into a file in git.
import { generateKeyPairSync } from 'node:crypto';

const ALL = ['user', 'event', 'content', 'messaging', 'notification', 'payment', 'search', 'integration', 'admin'];

const args = process.argv.slice(2);
let namespace;
let services = ALL;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '-n' || args[i] === '--namespace') namespace = args[++i];
  else if (args[i] === '--services') services = args[++i].split(',').filter(Boolean);
  else {
    console.error('usage: service-identities.mjs [-n namespace] [--services user,event,...]');
    process.exit(2);
  }
}
const unknown = services.filter((name) => !/^[a-z][a-z0-9-]*$/.test(name));
if (unknown.length) {
  console.error(`service-identities: not a service name: ${unknown.join(', ')}`);
  process.exit(2);
}

const metadata = (name) => ({
  name,
  ...(namespace ? { namespace } : {}),
  labels: { 'app.kubernetes.io/part-of': 'diaspora', 'app.kubernetes.io/component': 'service-identity' },
});
const documents = [];
const keys = [];
for (const service of services) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  keys.push({ ...publicKey.export({ format: 'jwk' }), kid: service, use: 'sig', alg: 'EdDSA' });
  documents.push({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(`${service}-service-identity`),
    type: 'Opaque',
    stringData: { 'private.pem': privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
  });
}
documents.push({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: metadata('diaspora-service-peers'),
  type: 'Opaque',
  stringData: { 'jwks.json': JSON.stringify({ keys }) },
});
// JSON is YAML: kubectl apply takes this stream as it is.
process.stdout.write(documents.map((doc) => `---\n${JSON.stringify(doc, null, 2)}\n`).join(''));
