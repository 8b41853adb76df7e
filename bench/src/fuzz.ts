// The API fuzz run (`npm run fuzz`): schemathesis generates requests from the gateway's aggregated OpenAPI document
// (examples, boundary values, random data, then stateful sequences that follow the links between operations) against
// a fresh all-in-one platform, as a signed-in member, and fails on any 5xx or any answer that breaks the document.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kongConfigWithoutLimits, ROOT, registerMember, startPlatform } from './lib/processes.js';

const SCHEMATHESIS_VERSION = '4.32.5';
const VENV = join(ROOT, '.tools/venv');
const CHECKS = [
  'not_a_server_error',
  'content_type_conformance',
  'response_schema_conformance',
  'response_headers_conformance',
];

function run(command: string, args: string[]): number {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** schemathesis from PyPI, pinned, in a virtualenv under .tools/ (installed once). */
function ensureSchemathesis(): string {
  const bin = join(VENV, 'bin/schemathesis');
  const installed = existsSync(bin) ? spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim() : undefined;
  if (installed?.endsWith(SCHEMATHESIS_VERSION)) return bin;
  console.log(`› installing schemathesis ${SCHEMATHESIS_VERSION} into .tools/venv`);
  if (run('python3', ['-m', 'venv', VENV]) !== 0)
    throw new Error('python3 with venv support is required (Debian: apt-get install -y python3-venv)');
  if (run(join(VENV, 'bin/pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`]) !== 0)
    throw new Error('could not install schemathesis from PyPI');
  return bin;
}

async function main(): Promise<number> {
  const schemathesis = ensureSchemathesis();
  // Rate limits lifted: thousands of requests from one address would otherwise only test the 429.
  const platform = await startPlatform({ KONG_CONFIG: kongConfigWithoutLimits(), BCRYPT_COST: '4' });
  try {
    const member = await registerMember(platform.gatewayUrl);
    return run(schemathesis, [
      'run',
      `${platform.gatewayUrl}/openapi.json`,
      '--header',
      `Authorization: Bearer ${member.accessToken}`,
      '--checks',
      CHECKS.join(','),
      '--max-examples',
      process.env.FUZZ_EXAMPLES ?? '50',
      '--workers',
      '2',
      '--request-timeout',
      '10',
      ...(process.env.FUZZ_SEED ? ['--seed', process.env.FUZZ_SEED] : []),
      '--no-color',
      ...process.argv.slice(2),
    ]);
  } finally {
    await platform.stop();
  }
}

process.exitCode = await main();
