#!/usr/bin/env node
// `npm run new-service -- <name> [--path <segment>]`: scaffolds services/<name> in the template's shape
// (ARCHITECTURE.md, Layout) and registers it everywhere a service is named: its Helm chart and umbrella entry,
// a docker-compose entry (off by default, profile <name>), a kong/kong.yml route, and the all-in-one port slot.
// Every target is checked before anything is written: a refused run leaves the tree as it was.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.NEW_SERVICE_ROOT ?? dirname(dirname(fileURLToPath(import.meta.url)));

/** URL segments that are not `<name>s`; anything else can be given with --path. */
const PATHS = { search: 'search', admin: 'admin', content: 'content', messaging: 'messages', user: 'users' };
/** Names that are already something else in this repository (charts, hosts, packages). */
const RESERVED = new Set(['gateway', 'kit', 'common', 'all', 'proto', 'events', 'testing', 'diaspora']);

function fail(message) {
  console.error(`new-service: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { name: undefined, path: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--path') args.path = argv[++i];
    else if (argv[i] === '--help' || argv[i] === '-h') args.help = true;
    else if (args.name === undefined) args.name = argv[i];
    else fail(`unexpected argument "${argv[i]}"`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
if (args.help || !args.name) {
  console.log('usage: npm run new-service -- <name> [--path <url segment>]   (name: lowercase letters and digits)');
  process.exit(args.help ? 0 : 2);
}
const name = args.name;
// One word: it becomes an env prefix (<NAME>_GRPC_ADDR), a database (<name>_service) and a camelCase export.
if (!/^[a-z][a-z0-9]{1,19}$/.test(name))
  fail(`"${name}" is not a service name: 2-20 lowercase letters and digits, starting with a letter`);
if (RESERVED.has(name)) fail(`"${name}" is reserved (it names something else in this repository)`);
const segment = args.path ?? PATHS[name] ?? `${name}s`;
if (!/^[a-z][a-z0-9-]*$/.test(segment)) fail(`--path "${segment}" is not a URL segment`);

const title = `${name[0].toUpperCase()}${name.slice(1)}`;
const exportName = `${name}Service`;
const file = (path) => join(root, path);
const read = (path) => readFileSync(file(path), 'utf8');

// --- what would be written: whole new files, and edits of shared files -----------------------------------------

/** @type {Map<string, string>} new files, path → content */
const created = new Map();
/** @type {{ path: string, text: string, note: string }[]} */
const edited = [];
/** @type {string[]} */
const skipped = [];

const add = (path, text) => created.set(path, text);

function edit(path, transform, note) {
  const before = read(path);
  const after = transform(before);
  if (after === before) skipped.push(`${path}: ${note} (already there)`);
  else edited.push({ path, text: after, note });
}

// Refusals first, before any work.
const serviceDir = `services/${name}`;
const chartDir = `deploy/helm/charts/${name}`;
for (const dir of [serviceDir, chartDir]) if (existsSync(file(dir))) fail(`${dir} already exists: nothing written`);
if (read('kong/kong.yml').includes(`- name: ${name}-service\n`))
  fail(`kong/kong.yml already routes ${name}-service: nothing written`);
if (
  read('kong/kong.yml')
    .split('\n')
    .some((line) => line.trim() === `- /api/v1/${segment}`)
)
  fail(`kong/kong.yml already has a route for /api/v1/${segment}: choose another with --path`);

// --- the service ------------------------------------------------------------------------------------------------

const eventManifest = JSON.parse(read('services/event/package.json'));
const versionOf = (dep) => eventManifest.dependencies[dep] ?? fail(`services/event/package.json lacks ${dep}`);

add(
  `${serviceDir}/package.json`,
  `${JSON.stringify(
    {
      name: `@diaspora/${name}-service`,
      version: '0.1.0',
      private: true,
      type: 'module',
      exports: {
        '.': { '@diaspora/source': './src/app.ts', types: './dist/app.d.ts', default: './dist/app.js' },
      },
      scripts: {
        build: 'tsc -p tsconfig.build.json',
        typecheck: 'tsc -p tsconfig.json --noEmit',
        test: `cd ../.. && node node_modules/vitest/vitest.mjs run ${serviceDir}/`,
        start: 'node dist/main.js',
      },
      dependencies: {
        '@diaspora/service-kit': versionOf('@diaspora/service-kit'),
        typebox: versionOf('typebox'),
      },
      devDependencies: { '@diaspora/testing': 'workspace:*' },
      diaspora: { service: name, export: exportName },
    },
    null,
    2,
  )}\n`,
);
add(`${serviceDir}/tsconfig.json`, read('services/event/tsconfig.json'));
add(`${serviceDir}/tsconfig.build.json`, read('services/event/tsconfig.build.json'));

add(
  `${serviceDir}/src/main.ts`,
  `import { startTracing } from '@diaspora/service-kit/tracing';

// Tracing first, so the modules imported below are instrumented; its shutdown flushes the last spans.
const stopTracing = startTracing('${name}-service', process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
const { runStandalone } = await import('@diaspora/service-kit');
const { ${exportName} } = await import('./app.js');
await runStandalone(${exportName}, { afterClose: stopTracing });
`,
);

add(
  `${serviceDir}/src/app.ts`,
  `import { defineService } from '@diaspora/service-kit';
import { ${name}Config } from './config.js';
import { ${name}Consumers } from './events/consumers.js';
import { ${name}Routes } from './http/routes.js';
import { migrations } from './store/migrations.js';

/**
 * The wiring, and nothing else: config, migrations, and one \`setup\` that builds the stores' unit of work, the
 * domain's use cases, and returns the parts the kit runs (services/event/src/app.ts is the full example).
 */
export const ${exportName} = defineService({
  name: '${name}',
  openapi: {
    title: '${title} service',
    description: 'The ${name} service (scaffolded; no routes yet).',
    version: '0.1.0',
  },
  config: ${name}Config,
  migrations,
  async setup() {
    // As the service grows (each with the kit's API, see services/event/src/app.ts):
    //   const uow = createUnitOfWork<Stores>(db, outbox, (q) => ({ ... }));  stores from store/, types in domain/ports.ts
    //   grpc: [implement(${name}V1.${title}Service, ${name}GrpcHandlers(...), logger)]  once proto/${name}/v1 exists
    //   userData: userData(uow, { export, erase })  once it keeps data about members (then add it to
    //     USER_DATA_EXPORT_PEERS in deploy/helm/charts/user/values.yaml and docker-compose.yml)
    //   chores: [every(...)], workers: [...]  from jobs/
    return {
      routes: (app) => ${name}Routes(app),
      consumers: ${name}Consumers(),
    };
  },
});
`,
);

add(
  `${serviceDir}/src/config.ts`,
  `import type { TProperties } from 'typebox';

/**
 * The ${name} service's own settings, on top of the kit's base config (DATABASE_URL, BUS_URL, CACHE_URL,
 * CURSOR_SECRET, …). None yet; add each as \`NAME: Type.String({ … })\` with a default where one is sensible.
 */
export const ${name}Config = {} satisfies TProperties;
`,
);

add(
  `${serviceDir}/src/domain/ports.ts`,
  `import type { Scope as KitScope, UnitOfWork as KitUnitOfWork } from '@diaspora/service-kit';

/**
 * What the domain needs from the outside, named here so that domain/ never imports store/ or http/.
 * \`Stores\` lists the repositories the unit of work puts on every scope (built in store/, wired in app.ts).
 */
export type Stores = Record<never, never>;
export type Scope = KitScope<Stores>;
export type UnitOfWork = KitUnitOfWork<Stores>;
`,
);

add(
  `${serviceDir}/src/store/migrations.ts`,
  `import type { Migration } from '@diaspora/service-kit';

/**
 * This service's tables, in order; never edit one that has shipped, add the next (CONTRIBUTING.md).
 * Add \`...idempotencyMigrations\` first when a route takes Idempotency-Key (the kit then purges old keys).
 */
export const migrations: Migration[] = [];
`,
);

add(
  `${serviceDir}/src/http/routes.ts`,
  `import type { HttpApp } from '@diaspora/service-kit';

/**
 * Public routes under /api/v1/${segment} (kong/kong.yml sends them here). None yet: the kit already serves
 * /health/live, /health/ready, /metrics and /openapi.json. Routes validate with JSON schemas and call the domain.
 */
export async function ${name}Routes(_app: HttpApp): Promise<void> {}
`,
);

add(
  `${serviceDir}/src/events/consumers.ts`,
  `import type { EventConsumer } from '@diaspora/service-kit';

/**
 * Events of other services this one listens to (\`consumer(...)\` / \`idempotentConsumer(...)\` from the kit).
 * None yet. users.user.deleted is the kit's once \`userData\` is in app.ts.
 */
export function ${name}Consumers(): EventConsumer[] {
  return [];
}
`,
);

add(
  `${serviceDir}/test/app.test.ts`,
  `import { startTestService } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ${exportName} } from '../src/app.js';

describe('${name} service', () => {
  let service: Awaited<ReturnType<typeof startTestService<typeof ${exportName}.config>>>;

  beforeAll(async () => {
    service = await startTestService(${exportName});
  });
  afterAll(async () => {
    await service?.close();
  });

  it('boots and reports ready', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
  });

  it('describes its API', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.json().info.title).toBe('${title} service');
  });
});
`,
);

add(
  `${serviceDir}/README.md`,
  `# ${title} service

Scaffolded by \`npm run new-service -- ${name}\`: it boots, migrates (no tables yet) and answers its health
checks, and has no routes yet. Public routes will live under \`/api/v1/${segment}\` (kong/kong.yml already sends
them here); the kit serves \`/openapi.json\`, \`/health/live\`, \`/health/ready\` and \`/metrics\`.

## Who may do what (from the access token's claims)

No routes yet, so nothing to allow. List every action and who may take it here as routes land.

## Events

Publishes none and consumes none yet (\`src/events/consumers.ts\`). Publishing goes through \`scope.publish\`
(the outbox, in the same transaction as the change); new events are declared in \`packages/events\`.

## Personal data

Keeps none yet. Once it does, return \`userData\` from \`setup\` in \`src/app.ts\` (the kit then serves
\`common.v1.UserData\` and erases on \`users.user.deleted\`) and add the service to \`USER_DATA_EXPORT_PEERS\` of the
user service (deploy/helm/charts/user/values.yaml, docker-compose.yml; the all-in-one host fills it itself).

## Settings

The kit's base settings (\`DATABASE_URL\`, \`BUS_URL\`, \`CACHE_URL\`, \`AUTH_JWKS_URL\`, \`CURSOR_SECRET\`, …; see
\`packages/service-kit/src/config.ts\`) and none of its own yet (\`src/config.ts\`):

| setting | default | meaning |
|---|---|---|
| \`CURSOR_SECRET\` | generated under \`DATA_DIR\` (all-in-one); required otherwise | HMAC key of page cursors, 32+ characters |

## Layout

\`src/app.ts\` wires; \`src/domain/\` (rules and use cases, \`ports.ts\`), \`src/store/\` (repositories, migrations),
\`src/http/\` (routes), \`src/grpc/handlers.ts\` (once \`proto/${name}/v1\` exists), \`src/clients/\` (calls to other
services), \`src/events/consumers.ts\`, \`src/jobs/\`. Tests: \`npm test -- ${serviceDir}\`.
`,
);

// --- deployment -------------------------------------------------------------------------------------------------

add(
  `${chartDir}/Chart.yaml`,
  `apiVersion: v2
name: ${name}
description: ${title} service. Renders through diaspora-service-lib.
type: application
version: 0.1.0
appVersion: "0.1.0"
dependencies:
  - name: diaspora-service-lib
    version: 0.1.0
    repository: file://../diaspora-service-lib
`,
);
add(`${chartDir}/templates/service.yaml`, '{{ include "diaspora-service-lib.all" . }}\n');
add(
  `${chartDir}/values.yaml`,
  read('deploy/helm/charts/event/values.yaml')
    .replace(
      /^# Defaults for one service\..*\n(?:# .*\n)*/,
      `# Defaults of the ${name} service (from npm run new-service; the manifests are diaspora-service-lib's).\n`,
    )
    .replace(/^name: event$/m, `name: ${name}`)
    // The event chart's own plain settings go; the rest (image, secrets, probes, scaling) is every service's.
    .replace(/^env:\n(?: {2}.*\n)*/m, 'env: {}\n')
    .replace(
      /^secretFiles:\n(?: {2}.*\n)*/m,
      'secretFiles:\n  DATABASE_URL: {}\n  CURSOR_SECRET: {}  # signs page cursors (HMAC, at least 32 characters)\n',
    ),
);

edit(
  'deploy/helm/diaspora/Chart.yaml',
  (text) => {
    const entry = `- { name: ${name}, version: 0.1.0, repository: file://../charts/${name}, condition: ${name}.enabled }`;
    if (text.includes(`repository: file://../charts/${name}`) && !text.includes(`# ${entry}`)) return text;
    if (text.includes(`# ${entry}`)) return text.replace(`# ${entry}`, entry);
    return `${text.trimEnd()}\n  ${entry}\n`;
  },
  `umbrella dependency (condition ${name}.enabled)`,
);
edit(
  'deploy/helm/diaspora/values.yaml',
  (text) =>
    new RegExp(`^${name}:`, 'm').test(text)
      ? text
      : `${text.trimEnd()}\n\n${name}:\n  enabled: false\n  # Secret ${name}-service (keys DATABASE_URL, CURSOR_SECRET).\n`,
  `${name}.enabled: false in the umbrella values`,
);
edit(
  'deploy/helm/diaspora/values-dev.yaml',
  (text) =>
    new RegExp(`^${name}:`, 'm').test(text)
      ? text
      : `${text.trimEnd()}\n\n${name}:\n  replicaCount: 1\n  podDisruptionBudget: { enabled: false }\n  resources:\n    requests: { cpu: 50m, memory: 128Mi }\n    limits: { memory: 384Mi }\n  secret:\n    create: true\n    data:\n      DATABASE_URL: postgres://diaspora:diaspora@postgres:5432/${name}_service\n      CURSOR_SECRET: dev-only-${name}-cursor-secret-0123456789abcdef\n`,
  'dev values (one replica, dev-only Secret)',
);

edit(
  'docker-compose.yml',
  (text) => {
    let out = text;
    out = out.replace(/(POSTGRES_DATABASES: )(.*)/, (line, key, list) =>
      list.split(',').includes(`${name}_service`) ? line : `${key}${list},${name}_service`,
    );
    if (!new RegExp(`^  ${name}-service:`, 'm').test(out)) {
      const block = `  ${name}-service:\n    <<: *service\n    profiles: [${name}, all]\n    build: { <<: *build, args: { SERVICE: ${name} } }\n    image: diaspora/${name}-service:local\n    environment: { <<: *client-env, DATABASE_URL: "postgres://diaspora:diaspora@postgres:5432/${name}_service" }\n\n`;
      out = out.replace(/^volumes:/m, `${block}volumes:`);
    }
    return out;
  },
  `compose entry ${name}-service (profiles [${name}, all]: off by default) and its database`,
);

edit(
  'kong/kong.yml',
  (text) =>
    text.replace(
      /^consumers:/m,
      `  - name: ${name}-service
    url: http://${name}-service:8080
    connect_timeout: 5000
    read_timeout: 30000
    write_timeout: 30000
    routes:
      - name: ${segment}
        paths:
          - /api/v1/${segment}
        strip_path: false
        plugins:
          - *jwt

consumers:`,
    ),
  `route /api/v1/${segment} → ${name}-service (JWT required)`,
);

edit(
  'hosts/all-in-one/src/discovery.ts',
  (text) =>
    text.includes(`  '${name}',\n`)
      ? text
      : text.replace(/((?:export )?const SERVICE_ORDER = \[\n(?: {2}'[a-z0-9]+',\n)*)/, `$1  '${name}',\n`),
  'all-in-one port slot (SERVICE_ORDER: HTTP/gRPC port = base + slot + 1)',
);

// --- write ------------------------------------------------------------------------------------------------------

for (const [path, text] of created) {
  mkdirSync(dirname(file(path)), { recursive: true });
  writeFileSync(file(path), text, { flag: 'wx' });
}
for (const { path, text } of edited) writeFileSync(file(path), text);
// The gateway chart carries a copy of kong/kong.yml (Helm reads files only inside a chart).
const sync = spawnSync(file('deploy/helm/sync-kong-config.sh'), [], { cwd: root, encoding: 'utf8' });
if (sync.status !== 0) console.error(sync.stderr);

const rel = (path) => relative(root, file(path));
console.log(`created ${created.size} files:`);
for (const path of created.keys()) console.log(`  + ${rel(path)}`);
console.log('edited:');
for (const { path, note } of edited) console.log(`  ~ ${path}: ${note}`);
if (sync.status === 0) console.log('  ~ deploy/helm/charts/gateway/files/kong.yml: copy of kong/kong.yml');
for (const line of skipped) console.log(`  = ${line}`);
console.log(`
next:
  node .tools/node_modules/pnpm/bin/pnpm.cjs install     (links the new package; npm start/test do it too)
  npm test -- ${serviceDir}                        (its health test)
  SERVICES=user,${name} npm start                       (the all-in-one host finds it)
left to you: routes and their kong plugins, proto/${name}/v1 + src/grpc/handlers.ts, events in packages/events,
  userData, the chart's env, ${name}.enabled: true (deploy/helm/diaspora/values.yaml), CODEOWNERS, terraform's
  enabled_services — README.md, "Adding a service".`);
