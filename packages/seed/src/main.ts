#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DiasporaError } from '@diaspora/sdk';
import { ApiError, seed } from './index.js';

const USAGE = `npm run seed -- [--members 200] [--seed 42] [--concurrency 16] [--gateway http://localhost:8000]

Populates a running platform with a demo diaspora community through its public API. The super user comes from
SUPERUSER_EMAIL and SUPERUSER_PASSWORD, or from DATA_DIR/superuser.json that \`npm start\` writes when none is set.`;

function fail(message: string): never {
  process.stderr.write(`\n  seed: ${message}\n\n`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '200' },
    seed: { type: 'string', default: '42' },
    concurrency: { type: 'string', default: '16' },
    gateway: {
      type: 'string',
      default: process.env.GATEWAY_URL ?? `http://localhost:${process.env.GATEWAY_PORT ?? 8000}`,
    },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const members = Number(values.members);
const seedNumber = Number(values.seed);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(members) || members < 10 || members > 100_000)
  fail('--members takes a whole number from 10 to 100000');
if (!Number.isInteger(seedNumber) || seedNumber < 0) fail('--seed takes a whole number');
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) fail('--concurrency takes 1 to 256');

function superUser(): { email: string; password: string } {
  if (process.env.SUPERUSER_EMAIL && process.env.SUPERUSER_PASSWORD)
    return { email: process.env.SUPERUSER_EMAIL, password: process.env.SUPERUSER_PASSWORD };
  const file = join(resolve(process.env.DATA_DIR ?? '.data'), 'superuser.json');
  if (!existsSync(file))
    fail(
      `no super user to appoint ambassadors and consuls with: set SUPERUSER_EMAIL and SUPERUSER_PASSWORD (as given to the platform), or run next to the DATA_DIR of \`npm start\` (${file} not found)`,
    );
  return JSON.parse(readFileSync(file, 'utf8')) as { email: string; password: string };
}

try {
  await fetch(`${values.gateway}/`).catch(() =>
    fail(`nothing answers at ${values.gateway}: start the platform first (npm start), or pass --gateway`),
  );
  const result = await seed(values.gateway, {
    members,
    seed: seedNumber,
    concurrency,
    superUser: superUser(),
    quiet: values.quiet,
  });
  const out = [
    '',
    result.alreadySeeded
      ? `  Already seeded (seed ${seedNumber}, ${members} members or more): nothing added.`
      : `  Seeded ${members} members (seed ${seedNumber}) in ${result.seconds.toFixed(1)}s.`,
    '',
    '  Sign in (POST /api/v1/users/auth/login, or "Authorize" in /docs):',
    ...result.credentials.map(
      (c) => `    ${c.role.padEnd(11)} ${c.email}  ${c.password}${c.where ? `  (${c.displayName}, ${c.where})` : ''}`,
    ),
    ...result.notes.map((note) => `\n  Note: ${note}`),
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
} catch (error) {
  if (error instanceof ApiError || error instanceof DiasporaError) fail(error.message);
  throw error;
}
