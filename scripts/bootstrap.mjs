#!/usr/bin/env node
// `npm start`, `npm test`, `npm run build|bench|fuzz|lint` all land here, so that a fresh clone needs nothing but Node 20+:
// a pinned pnpm is installed into .tools/, dependencies are installed when the lockfile or a manifest changed,
// the workspace is built (turbo caches it), then the command runs. Second runs skip what is already done.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const env = {
  ...process.env,
  // turbo looks for the package manager on PATH
  PATH: `${join(root, '.tools/node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}`,
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node ${process.versions.node} is too old: this project needs Node 20.19 or newer.`);
  process.exit(1);
}

const say = (text) => console.log(`\x1b[36m›\x1b[0m ${text}`);

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function pnpmEntry() {
  const entry = join(root, '.tools/node_modules/pnpm/bin/pnpm.cjs');
  if (!existsSync(entry)) {
    say(`installing pnpm ${PNPM_VERSION} into .tools/`);
    run('npm', [
      'install',
      '--prefix',
      '.tools',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `pnpm@${PNPM_VERSION}`,
    ]);
  }
  return entry;
}

const pnpm = (...args) => run(process.execPath, [pnpmEntry(), ...args]);

/** Hash of everything that decides what `pnpm install` produces. */
function installFingerprint() {
  const hash = createHash('sha256');
  const files = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json'];
  for (const group of ['packages', 'services', 'hosts']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) files.push(join(group, name, 'package.json'));
  }
  files.push('bench/package.json');
  for (const file of files) {
    const path = join(root, file);
    if (existsSync(path)) hash.update(file).update(readFileSync(path));
  }
  return hash.digest('hex');
}

/** A developer's clone runs .githooks/pre-commit (Biome on staged files); not in CI, not over a hooksPath already set. */
function installGitHooks() {
  if ((process.env.CI && process.env.CI !== 'false') || !existsSync(join(root, '.git'))) return;
  const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const current = git('config', '--get', 'core.hooksPath');
  if (current.error || current.status !== 1) return; // no git, or some hooksPath is set (ours or the developer's)
  if (git('config', 'core.hooksPath', '.githooks').status === 0) say('git hooks: .githooks/ (Biome on staged files)');
}

function ensureInstalled() {
  installGitHooks();
  const stamp = join(root, 'node_modules/.diaspora-install-stamp');
  const fingerprint = installFingerprint();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint) return;
  pnpmEntry();
  say('installing dependencies (pnpm install)');
  // The committed lockfile is used as is when it matches the manifests (pnpm's prefer-frozen default).
  pnpm('install', '--reporter=append-only');
  writeFileSync(stamp, installFingerprint());
}

function build(...tasks) {
  say(`${tasks.length ? 'building and type-checking' : 'building'} (turbo, cached)`);
  pnpm('exec', 'turbo', 'run', 'build', ...tasks, '--output-logs=errors-only', '--log-prefix=none');
}

function lint() {
  say('linting (biome)');
  pnpm('exec', 'biome', 'ci', '--reporter=summary', '.');
}

/**
 * buf (buf.yaml): proto/ follows buf's STANDARD lint rules, and changes no generated API against the `main` branch
 * (working-tree edits on main, or a feature branch's commits). Without git history or a local `main` (an export,
 * a clone of another branch) there is nothing to compare with, so that check is skipped and says so.
 */
function protoLint() {
  say('linting protos (buf lint, buf breaking)');
  pnpm('exec', 'buf', 'lint');
  const main = spawnSync('git', ['rev-parse', '--verify', '--quiet', 'refs/heads/main^{commit}'], { cwd: root });
  if (main.error || main.status !== 0) {
    say('buf breaking skipped: no git history with a main branch to compare proto/ with');
    return;
  }
  pnpm('exec', 'buf', 'breaking', '--against', '.git#branch=main,subdir=proto');
}

/** knip (knip.jsonc): unused or unlisted dependencies and binaries, unresolved imports, unused files. */
const KNIP_CHECKS = ['--include', 'dependencies,unlisted,binaries,unresolved,files'];

function knip(checks = KNIP_CHECKS) {
  say('unused dependencies and files (knip)');
  pnpm('exec', 'knip', ...checks);
}

async function main() {
  const [command = 'start', ...args] = process.argv.slice(2);
  ensureInstalled();
  switch (command) {
    case 'install':
      return;
    case 'build':
      return build();
    case 'lint':
      return lint();
    case 'knip':
      // knip follows imports into the generated proto code; `npm run knip -- --include exports,types` runs other checks
      if (!existsSync(join(root, 'packages/proto/src/gen/index.ts')))
        pnpm('--filter', '@diaspora/proto', 'run', 'generate');
      return knip(args.length ? args : KNIP_CHECKS);
    case 'start': {
      build();
      process.chdir(root);
      await import(pathToFileURL(join(root, 'hosts/all-in-one/dist/main.js')).href);
      return;
    }
    case 'test': {
      build('typecheck');
      lint();
      protoLint();
      knip();
      say('testing (vitest)');
      // vitest runs in a child so that its exit code is ours; signals reach it through the shared process group.
      const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...args], {
        stdio: 'inherit',
        cwd: root,
        env,
      });
      child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
      return;
    }
    case 'seed': {
      build();
      run(process.execPath, [join(root, 'packages/seed/dist/main.js'), ...args]);
      return;
    }
    case 'bench':
    case 'fuzz': {
      build();
      run(process.execPath, [join(root, command === 'bench' ? 'bench/dist/run.js' : 'bench/dist/fuzz.js'), ...args]);
      return;
    }
    default:
      console.error(
        `unknown command "${command}" (expected start, seed, test, build, bench, fuzz, lint, knip, install)`,
      );
      process.exit(2);
  }
}

await main();
