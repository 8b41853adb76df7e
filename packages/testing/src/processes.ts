import { type ChildProcess, spawn } from 'node:child_process';

export interface ServiceProcess {
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Starts a service's distributed-mode entry point (`services/<name>/dist/main.js`) as a real process and waits
 * until `readyUrl` answers 200; fails early if the process exits first.
 */
export async function startServiceProcess(
  main: string,
  env: Record<string, string>,
  readyUrl: string,
  options: { stdout?: 'pipe' | 'ignore'; timeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', options.stdout ?? 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${main} exited early with ${child.exitCode}`);
    const status = await fetch(readyUrl).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return { child, exited };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${main} never became ready at ${readyUrl}`);
}
