// Proves that a rendered environment would pass every service's config check at boot:
//   node deploy/helm/check-secrets.mjs <env> <rendered.yaml>
// For each `<name>-service` Deployment and migration Job it reads the container's env (literal values,
// secretKeyRef values, `<NAME>_FILE` paths backed by a mounted projected Secret item) and compares it with the
// service's built config schema (services/<name>/dist/config.js + the kit's baseConfig): every key required
// without a default, and every key the service's setup requires in distributed mode (no DATA_DIR) or with the
// providers the environment selects (RULES below), must be set. Literal values must satisfy their schema.
// With a chart-made dev Secret, each mounted key must exist in it. Exit 1 with one line per problem.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const kitRequire = createRequire(join(ROOT, 'packages/service-kit/package.json'));
const { parseAllDocuments } = kitRequire('yaml');
const { Type } = await import(pathToFileURL(kitRequire.resolve('typebox')).href);
const { Value } = await import(pathToFileURL(kitRequire.resolve('typebox/value')).href);

const [envName, renderedFile] = process.argv.slice(2);
if (!renderedFile) {
  console.error('usage: check-secrets.mjs <env> <rendered.yaml>');
  process.exit(2);
}

/**
 * What a service's setup (not its schema) requires: `when(env)` true → each key must be set. Each line names
 * the code that throws. A serviceSecret() name missing here fails the check (see `knownServiceSecrets`).
 */
const distributed = (env) => !env.DATA_DIR;
const RULES = [
  // packages/service-kit/src/runtime/service.ts, auth/service-keys.ts
  { services: '*', when: distributed, keys: ['CURSOR_SECRET', 'SERVICE_PRIVATE_KEY', 'SERVICE_PEER_KEYS'] },
  { services: '*', when: (_env, name) => name !== 'user', keys: ['AUTH_JWKS_URL'] },
  // grpc/tls.ts: all three or none
  {
    services: '*',
    when: (env) => ['GRPC_TLS_CERT', 'GRPC_TLS_KEY', 'GRPC_TLS_CA'].some((key) => key in env),
    keys: ['GRPC_TLS_CERT', 'GRPC_TLS_KEY', 'GRPC_TLS_CA'],
  },
  // providers/mail.ts, providers/otp.ts
  { services: '*', when: (env) => env.MAIL_PROVIDER === 'sendgrid', keys: ['SENDGRID_API_KEY'] },
  {
    services: '*',
    when: (env) => env.SMS_PROVIDER === 'twilio',
    keys: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_VERIFY_SERVICE_SID'],
  },
  // storage/open.ts
  { services: ['content', 'messaging'], when: distributed, keys: ['STORAGE_URL'] },
  {
    services: ['content', 'messaging'],
    when: (env) => String(env.STORAGE_URL ?? '').startsWith('file:'),
    keys: ['STORAGE_SIGNING_SECRET'],
  },
  { services: ['content'], when: (env) => env.CONTENT_STORE === 'mongodb', keys: ['MONGO_URL'] },
  {
    services: ['integration'],
    when: (env) => (env.INTEGRATION_STORE ?? 'postgres') === 'mongodb',
    keys: ['MONGO_URL'],
  },
  { services: ['integration'], when: distributed, keys: ['INTEGRATION_ENCRYPTION_KEY'] },
  {
    services: ['integration'],
    when: (env) => env.GOOGLE_CALENDAR_PROVIDER === 'google',
    keys: ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'],
  },
  { services: ['integration'], when: (env) => env.CRM_CONNECTOR === 'hubspot', keys: ['HUBSPOT_ACCESS_TOKEN'] },
  { services: ['notification'], when: (env) => env.PUSH_PROVIDER === 'fcm', keys: ['FCM_CREDENTIALS_JSON'] },
  { services: ['notification'], when: distributed, keys: ['UNSUBSCRIBE_SECRET'] },
  { services: ['admin'], when: distributed, keys: ['PSEUDONYM_SECRET'] },
  { services: ['search'], when: (env) => (env.SEARCH_ENGINE ?? 'postgres') !== 'postgres', keys: ['SEARCH_URL'] },
  // services/payment/src/app.ts
  { services: ['payment'], when: (env) => 'STRIPE_SECRET_KEY' in env, keys: ['STRIPE_WEBHOOK_SECRET'] },
  {
    services: ['payment'],
    when: (env) => 'PAYPAL_CLIENT_ID' in env,
    keys: ['PAYPAL_CLIENT_SECRET', 'PAYPAL_WEBHOOK_ID'],
  },
  // services/user/src/app.ts: both or neither
  { services: ['user'], when: (env) => 'SUPERUSER_EMAIL' in env, keys: ['SUPERUSER_PASSWORD'] },
  { services: ['user'], when: (env) => 'SUPERUSER_PASSWORD' in env, keys: ['SUPERUSER_EMAIL'] },
];
// serviceSecret() names whose rule is above, or that need none (payment's local provider makes its own).
const RULED = new Set([...RULES.flatMap((rule) => rule.keys), 'STRIPE_WEBHOOK_SECRET']);

/** Every serviceSecret({ name: '…' }) in the sources: a new one must get a rule before the check passes. */
function knownServiceSecrets() {
  const names = new Set();
  const scan = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) scan(path);
      else if (entry.name.endsWith('.ts'))
        for (const match of readFileSync(path, 'utf8').matchAll(/serviceSecret\(\{[^}]*?name: '([A-Z0-9_]+)'/gs))
          names.add(match[1]);
    }
  };
  for (const service of readdirSync(join(ROOT, 'services'))) scan(join(ROOT, 'services', service, 'src'));
  scan(join(ROOT, 'packages/service-kit/src'));
  return names;
}

async function schemaOf(name) {
  const kit = join(ROOT, 'packages/service-kit/dist/config.js');
  const own = join(ROOT, 'services', name, 'dist/config.js');
  let base;
  let module;
  try {
    ({ baseConfig: base } = await import(pathToFileURL(kit).href));
    module = await import(pathToFileURL(own).href);
  } catch (error) {
    throw new Error(`cannot load the built config of ${name} (build it first: npm run build): ${error.message}`);
  }
  const properties = module[`${name}Config`];
  if (!properties) throw new Error(`services/${name}/dist/config.js exports no ${name}Config`);
  return Type.Object({ ...base, ...properties });
}

/** The env string as the kit's loadConfig turns it into a value (arrays comma-split, objects JSON). */
function fromEnvString(schema, value) {
  if (schema.type === 'array')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  if (schema.type === 'object') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

const documents = parseAllDocuments(readFileSync(renderedFile, 'utf8'))
  .map((doc) => doc.toJS())
  .filter(Boolean);
const secrets = new Map(
  documents
    .filter((doc) => doc.kind === 'Secret')
    .map((doc) => [doc.metadata.name, { ...doc.stringData, ...doc.data }]),
);
// Secrets made outside Helm (every prod/staging one, the identity Secrets everywhere): trusted to hold the key.
const problems = [];
const seen = new Set();

const workloads = documents.filter(
  (doc) =>
    (doc.kind === 'Deployment' || doc.kind === 'Job') && /^[a-z]+-service(-migrate)?$/.test(doc.metadata?.name ?? ''),
);
for (const workload of workloads) {
  const name = workload.metadata.name.replace(/-service(-migrate)?$/, '');
  const pod = workload.spec.template.spec;
  const container = pod.containers[0];
  const schema = await schemaOf(name);
  const where = `${envName}: ${workload.kind} ${workload.metadata.name}`;
  const mounts = new Map((container.volumeMounts ?? []).map((mount) => [mount.mountPath, mount.name]));
  const volumes = new Map((pod.volumes ?? []).map((volume) => [volume.name, volume]));

  /** Whether a `<NAME>_FILE` path is a mounted projected Secret item; checks a chart-made Secret has the key. */
  const fileIsMounted = (path) => {
    const dir = dirname(path);
    const file = path.slice(dir.length + 1);
    const volume = volumes.get(mounts.get(dir));
    for (const source of volume?.projected?.sources ?? []) {
      const item = source.secret?.items?.find((candidate) => candidate.path === file);
      if (!item) continue;
      const made = secrets.get(source.secret.name);
      if (made && !(item.key in made))
        problems.push(`${where}: ${file} is mounted from Secret ${source.secret.name}, which lacks key ${item.key}`);
      return true;
    }
    return false;
  };

  const env = {};
  for (const variable of container.env ?? []) {
    if (variable.name.endsWith('_FILE') && variable.name.slice(0, -5) in schema.properties) {
      const key = variable.name.slice(0, -5);
      if (fileIsMounted(variable.value)) env[key] = { secret: true };
      else problems.push(`${where}: ${variable.name}=${variable.value} is no mounted Secret item`);
    } else if (variable.valueFrom?.secretKeyRef) {
      env[variable.name] = { secret: true };
    } else if (variable.value !== undefined) {
      env[variable.name] = { value: variable.value };
    }
  }
  const plain = Object.fromEntries(Object.entries(env).map(([key, entry]) => [key, entry.value ?? '(secret)']));

  const required = new Set((schema.required ?? []).filter((key) => !('default' in schema.properties[key])));
  for (const rule of RULES) {
    if (rule.services !== '*' && !rule.services.includes(name)) continue;
    if (rule.when(plain, name)) for (const key of rule.keys) if (key in schema.properties) required.add(key);
  }
  for (const key of required) if (!(key in env)) problems.push(`${where}: ${key} is required and not set or mounted`);

  for (const [key, entry] of Object.entries(env)) {
    const property = schema.properties[key];
    if (!property || entry.value === undefined) continue;
    const value = Value.Convert(property, fromEnvString(property, entry.value));
    if (!Value.Check(property, value))
      problems.push(`${where}: ${key}=${JSON.stringify(entry.value)} breaks its schema`);
  }
  seen.add(name);
}

for (const secretName of knownServiceSecrets())
  if (!RULED.has(secretName))
    problems.push(
      `serviceSecret('${secretName}') has no rule in deploy/helm/check-secrets.mjs: add when it is required`,
    );

if (problems.length) {
  for (const line of [...new Set(problems)]) console.error(`  - ${line}`);
  process.exit(1);
}
console.log(`${envName}: every required setting of ${[...seen].sort().join(', ')} is set or mounted`);
