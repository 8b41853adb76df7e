import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './processes.js';

/**
 * The shared CI servers' URLs: POSTGRES_URL / NATS_URL / REDIS_URL from the env when set, otherwise from
 * `scripts/ci-servers.sh start` (idempotent: starts what is down, prints the exports). Never stopped here.
 */
export function ciServers(): Record<string, string> {
  if (process.env.POSTGRES_URL && process.env.NATS_URL && process.env.REDIS_URL)
    return process.env as Record<string, string>;
  const out = execFileSync(join(ROOT, 'scripts/ci-servers.sh'), ['start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const env: Record<string, string> = {};
  for (const [, name, value] of out.matchAll(/^export ([A-Z_]+)=(.*)$/gm)) env[name!] = value!;
  return env;
}
