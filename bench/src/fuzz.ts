// The API fuzz run (`npm run fuzz`): schemathesis generates requests from the gateway's aggregated OpenAPI document
// (examples, boundary values, random data, then stateful sequences that follow the links between operations) against
// a fresh all-in-one platform, as a signed-in member, and fails on any 5xx or any answer that breaks the document,
// or the platform's own contract (bench/fuzz/checks.py): problem+json errors that do not echo the URL, defensive
// headers, and odd input (`?x=%FF`, unpaired surrogates in JSON text) refused with 4xx problems on every operation.
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
  // bench/fuzz/checks.py
  'errors_are_problems',
  'errors_do_not_echo_the_query',
  'defensive_headers',
  'odd_input_is_refused',
];
const CUSTOM_CHECKS = join(ROOT, 'bench/fuzz/checks.py');

function run(command: string, args: string[], env: Record<string, string> = {}): number {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, env: { ...process.env, ...env } });
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
  const platform = await startPlatform({
    KONG_CONFIG: kongConfigWithoutLimits(),
    BCRYPT_COST: '4',
    // FUZZ_PORT_BASE keeps the hosted services on known ports (several runs on one machine must not collide).
    ...(process.env.FUZZ_PORT_BASE
      ? {
          SERVICE_HTTP_PORT_BASE: process.env.FUZZ_PORT_BASE,
          SERVICE_GRPC_PORT_BASE: String(Number(process.env.FUZZ_PORT_BASE) + 20),
        }
      : {}),
  });
  try {
    const member = await registerMember(platform.gatewayUrl);
    return run(
      schemathesis,
      [
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
      ],
      { SCHEMATHESIS_HOOKS: CUSTOM_CHECKS },
    );
  } finally {
    await platform.stop();
  }
}

process.exitCode = await main();
