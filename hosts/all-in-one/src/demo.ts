import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A platform started without SUPERUSER_EMAIL still has a super user to administer it (and to appoint the demo's
 * ambassadors): a local one with a random password, kept in DATA_DIR/superuser.json (owner-only) and reused.
 */
export function localSuperUser(
  dataDir: string,
  env: NodeJS.ProcessEnv,
): { email: string; password: string; file?: string } {
  if (env.SUPERUSER_EMAIL && env.SUPERUSER_PASSWORD)
    return { email: env.SUPERUSER_EMAIL, password: env.SUPERUSER_PASSWORD };
  const file = join(dataDir, 'superuser.json');
  if (existsSync(file))
    return { ...(JSON.parse(readFileSync(file, 'utf8')) as { email: string; password: string }), file };
  const created = { email: 'super@demo.diaspora.example', password: randomBytes(18).toString('base64url') };
  writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  return { ...created, file };
}

/** SEED=demo: the seed (packages/seed) against the platform just started, as `npm run seed` would run it. */
export function runDemoSeed(root: string, gatewayUrl: string, dataDir: string): Promise<number> {
  return new Promise((resolveExit) => {
    const child = spawn(process.execPath, [join(root, 'packages/seed/dist/main.js'), '--gateway', gatewayUrl], {
      stdio: 'inherit',
      env: { ...process.env, DATA_DIR: dataDir },
    });
    child.on('exit', (code) => resolveExit(code ?? 1));
  });
}
