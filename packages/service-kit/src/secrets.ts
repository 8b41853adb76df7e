import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from './config.js';

/**
 * A secret from the environment, else (all-in-one, tests) one generated once and kept under
 * `$DATA_DIR/<service>/`, so signed links and cursors survive restarts. With neither, boot stops naming `name`.
 */
export function serviceSecret(options: { service: string; name: string; given?: string; dataDir?: string }): string {
  if (options.given) return options.given;
  if (!options.dataDir)
    throw new ConfigError(
      `invalid configuration for the ${options.service} service:\n  - ${options.name}: is required (or DATA_DIR)`,
    );
  const dir = join(resolve(options.dataDir), options.service);
  const file = join(dir, `${options.name.toLowerCase()}.secret`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Two instances sharing DATA_DIR raced: the first one's secret stands.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}
