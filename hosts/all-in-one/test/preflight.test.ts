import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@diaspora/service-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { startAllInOne } from '../src/platform.js';
import { checkDataDir, checkKongConfig, checkNode, checkPorts, lockDataDir, StartupProblem } from '../src/preflight.js';

const root = join(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'diaspora-preflight-'));
chmodSync(scratch, 0o755);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const problemOf = async (run: () => unknown): Promise<StartupProblem> => {
  try {
    await run();
  } catch (error) {
    if (error instanceof StartupProblem) return error;
    throw error;
  }
  throw new Error('expected a start-up problem');
};

describe('start-up checks that say why', () => {
  it('refuses a Node older than 20.19 and names the version', async () => {
    const problem = await problemOf(() => checkNode('20.11.1'));
    expect(problem.render()).toContain('Node 20.11.1 is too old');
    expect(() => checkNode('22.0.0')).not.toThrow();
  });

  it('names a data directory that cannot be used', async () => {
    const file = join(scratch, 'not-a-directory');
    writeFileSync(file, '');
    const problem = await problemOf(() => checkDataDir(join(file, 'data')));
    expect(problem.message).toContain(join(file, 'data'));
    expect(problem.remedy).toContain('DATA_DIR');
  });

  it('names a gateway configuration that cannot be read', async () => {
    const problem = await problemOf(() => checkKongConfig(join(scratch, 'missing-kong.yml')));
    expect(problem.message).toContain('missing-kong.yml cannot be read (ENOENT)');
    expect(problem.remedy).toContain('KONG_CONFIG');
  });

  it('locks the data directory for one running platform, naming its pid, and takes over a stale lock', async () => {
    const dir = join(scratch, 'locked');
    mkdirSync(dir);
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, 'platform.lock'), 'utf8').trim()).toBe(String(process.pid));
    const problem = await problemOf(() => lockDataDir(dir, process.pid + 1));
    expect(problem.message).toContain(`in use by a running platform (pid ${process.pid})`);
    expect(problem.remedy).toContain(`kill ${process.pid}`);
    release();
    // a pid that no longer runs: the crash left its lock behind
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, 'platform.lock'), `${gone}\n`);
    lockDataDir(dir)();
  });

  it('names each taken port, its setting, and the process holding it', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const problem = await problemOf(() =>
        checkPorts('127.0.0.1', [{ port, what: 'the gateway', setting: 'GATEWAY_PORT' }]),
      );
      expect(problem.message).toContain(`port ${port} (the gateway, GATEWAY_PORT) is taken by pid ${process.pid}`);
      expect(problem.remedy).toContain('GATEWAY_PORT');
    } finally {
      server.close();
    }
    await expect(checkPorts('127.0.0.1', [{ port, what: 'the gateway', setting: 'GATEWAY_PORT' }])).resolves.toBe(
      undefined,
    );
  });

  it('shows PostgreSQL’s own last lines when it does not start', async () => {
    const dataDir = join(scratch, 'broken-postgres');
    mkdirSync(join(dataDir, 'postgres'), { recursive: true });
    // A data directory from a PostgreSQL that never existed: the server refuses it and says so.
    writeFileSync(join(dataDir, 'postgres', 'PG_VERSION'), '7\n');
    chmodSync(scratch, 0o777);
    for (const dir of [dataDir, join(dataDir, 'postgres')]) chmodSync(dir, 0o777);
    const problem = await problemOf(() =>
      startAllInOne({
        root,
        dataDir,
        gateway: { host: '127.0.0.1', port: 0 },
        postgresPort: 0,
        httpPortBase: 0,
        grpcPortBase: 0,
        logLevel: 'silent',
        loggerFor: (service) => createLogger({ service, level: 'silent' }),
        services: ['user'],
      }),
    );
    expect(problem.message).toContain('PostgreSQL did not start');
    expect(problem.details.join('\n')).toMatch(/postgres: could not access the server configuration file/);
    expect(problem.render()).toContain(join(dataDir, 'postgres'));
  }, 60_000);
});
