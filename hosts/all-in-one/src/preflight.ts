import {
  accessSync,
  constants,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A start-up failure people can act on: what went wrong, and what to do about it. Printed without a stack. */
export class StartupProblem extends Error {
  constructor(
    message: string,
    readonly remedy: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }

  render(): string {
    const details = this.details.length ? `\n\n${this.details.map((line) => `    ${line}`).join('\n')}` : '';
    return `\n  The platform could not start: ${this.message}${details}\n\n  ${this.remedy}\n`;
  }
}

export function checkNode(version = process.versions.node): void {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    throw new StartupProblem(
      `Node ${version} is too old.`,
      'Install Node 20.19 or newer (https://nodejs.org), then run npm start again.',
    );
}

export function checkDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new StartupProblem(
      `the data directory ${dataDir} cannot be used (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
      'Give this user read and write access to it, or choose another with DATA_DIR=<directory>.',
    );
  }
}

export function checkKongConfig(path: string): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw new StartupProblem(
      `the gateway configuration ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
      'Point KONG_CONFIG at a readable Kong declarative file (the default is kong/kong.yml).',
    );
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One running platform per data directory: DATA_DIR/platform.lock holds the pid. A lock whose process is gone
 * (a crash, a kill -9) is taken over. Returns the release.
 */
export function lockDataDir(dataDir: string, pid = process.pid): () => void {
  const file = join(dataDir, 'platform.lock');
  try {
    writeFileSync(file, `${pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== pid && alive(holder))
      throw new StartupProblem(
        `the data directory ${dataDir} is in use by a running platform (pid ${holder}).`,
        `Stop that one first (Ctrl+C in its terminal, or kill ${holder}), or start this one on another DATA_DIR and other ports.`,
      );
    writeFileSync(file, `${pid}\n`);
  }
  return () => rmSync(file, { force: true });
}

/** Which process listens on a TCP port, from /proc (Linux); undefined elsewhere or when it cannot be seen. */
export function portOwner(port: number): string | undefined {
  try {
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6'])
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        // local address is ADDR:PORT; state 0A is LISTEN
        if (fields[1]?.endsWith(`:${hex}`) && fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
      }
    if (!inodes.size) return undefined;
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        const target = (() => {
          try {
            return readlinkSync(`/proc/${pid}/fd/${fd}`);
          } catch {
            return '';
          }
        })();
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) {
          const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
          return `pid ${pid}: ${command.length > 120 ? `${command.slice(0, 117)}...` : command}`;
        }
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function free(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Every fixed port the platform needs must be free; names the taken ones and who holds them. */
export async function checkPorts(
  host: string,
  ports: { port: number; what: string; setting: string }[],
): Promise<void> {
  // Consecutive ports of one kind held by one process read as a range: "ports 23101-23109 (…) are taken by …".
  const groups: { first: number; last: number; what: string; setting: string; owner: string | undefined }[] = [];
  for (const { port, what, setting } of ports) {
    if (!port || (await free(host, port))) continue;
    const owner = portOwner(port);
    const previous = groups.at(-1);
    if (previous && previous.setting === setting && previous.owner === owner && previous.last === port - 1)
      previous.last = port;
    else groups.push({ first: port, last: port, what, setting, owner });
  }
  const taken = groups.map(({ first, last, what, setting, owner }) => {
    const ports =
      first === last ? `port ${first} (${what}, ${setting}) is` : `ports ${first}-${last} (${what}, ${setting}) are`;
    return `${ports} taken${owner ? ` by ${owner}` : ''}`;
  });
  if (taken.length)
    throw new StartupProblem(
      taken.length === 1 ? `${taken[0]}.` : 'ports it needs are taken:',
      'Stop what holds them (a platform started earlier: Ctrl+C in its terminal), or choose other ports with ' +
        'GATEWAY_PORT, SERVICE_HTTP_PORT_BASE, SERVICE_GRPC_PORT_BASE and POSTGRES_PORT.',
      taken.length === 1 ? [] : taken,
    );
}
