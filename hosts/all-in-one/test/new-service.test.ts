import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** What scripts/new-service.mjs reads or edits, copied so that it runs against a throwaway tree. */
const INPUTS = [
  'scripts/new-service.mjs',
  'services/event/package.json',
  'services/event/tsconfig.json',
  'services/event/tsconfig.build.json',
  'deploy/helm/charts/event/values.yaml',
  'deploy/helm/diaspora/Chart.yaml',
  'deploy/helm/diaspora/values.yaml',
  'deploy/helm/diaspora/values-dev.yaml',
  'deploy/helm/sync-kong-config.sh',
  'docker-compose.yml',
  'kong/kong.yml',
  'hosts/all-in-one/src/discovery.ts',
];

let tree: string | undefined;
afterEach(() => {
  if (tree) rmSync(tree, { recursive: true, force: true });
  tree = undefined;
});

function scaffold(...args: string[]) {
  tree ??= mkdtempSync(join(tmpdir(), 'new-service-'));
  for (const path of INPUTS) if (!existsSync(join(tree, path))) cpSync(join(repo, path), join(tree, path));
  return spawnSync(process.execPath, [join(tree, 'scripts/new-service.mjs'), ...args], {
    cwd: tree,
    encoding: 'utf8',
    env: { ...process.env, NEW_SERVICE_ROOT: tree },
  });
}

describe('npm run new-service', () => {
  it('scaffolds a service and registers it in the chart, compose, kong and the all-in-one slots', () => {
    const run = scaffold('widget');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const read = (path: string) => readFileSync(join(tree!, path), 'utf8');
    expect(JSON.parse(read('services/widget/package.json'))).toMatchObject({
      name: '@diaspora/widget-service',
      diaspora: { service: 'widget', export: 'widgetService' },
    });
    for (const path of ['src/main.ts', 'src/app.ts', 'src/config.ts', 'src/domain/ports.ts', 'test/app.test.ts'])
      expect(existsSync(join(tree!, 'services/widget', path))).toBe(true);
    expect(read('deploy/helm/charts/widget/values.yaml')).toMatch(/^name: widget$/m);
    expect(read('deploy/helm/diaspora/Chart.yaml')).toContain('repository: file://../charts/widget');
    expect(read('deploy/helm/diaspora/values.yaml')).toMatch(/^widget:\n {2}enabled: false$/m);
    expect(read('docker-compose.yml')).toMatch(/^ {2}widget-service:\n.*\n {4}profiles: \[widget, all\]$/m);
    expect(read('kong/kong.yml')).toContain('- /api/v1/widgets\n');
    expect(read('deploy/helm/charts/gateway/files/kong.yml')).toBe(read('kong/kong.yml'));
    expect(read('hosts/all-in-one/src/discovery.ts')).toContain("  'admin',\n  'widget',\n];");

    // A second run, or a name taken some other way, writes nothing.
    const again = scaffold('widget');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('services/widget already exists');
  });

  it('refuses names that cannot be a service before touching anything', () => {
    for (const name of ['Widget', 'w', 'two-words', 'gateway', 'event']) {
      const run = scaffold(name);
      expect(run.status, name).toBe(1);
    }
    expect(readFileSync(join(tree!, 'kong/kong.yml'), 'utf8')).toBe(readFileSync(join(repo, 'kong/kong.yml'), 'utf8'));
  });
});
