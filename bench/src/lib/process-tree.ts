import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid of every live process (Linux /proc); processes that vanish while we read are skipped. */
function parents(): Map<number, number> {
  const result = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (2nd field) may hold spaces and parentheses: the ppid is the 2nd field after its last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      result.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  return result;
}

/** `root` and all its descendants (the all-in-one host's embedded PostgreSQL server and its backends). */
export function processTree(root: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const [pid, ppid] of parents()) byParent.set(ppid, [...(byParent.get(ppid) ?? []), pid]);
  const tree: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(byParent.get(pid) ?? []));
  }
  return tree;
}

/**
 * Resident memory of the whole tree, in bytes. PostgreSQL backends share the server's buffers, which plain RSS
 * counts once per process: PSS (each shared page divided among its sharers) is summed instead where the kernel
 * offers it, so the total is what the tree really occupies.
 */
export function treeMemory(root: number): {
  rssBytes: number;
  pssBytes: number;
  rootRssBytes: number;
  processes: number;
} {
  let rss = 0;
  let pss = 0;
  const pids = processTree(root);
  for (const pid of pids) {
    try {
      rss += kb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
      pss += kb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
    } catch {
      // exited meanwhile, or smaps_rollup not readable
    }
  }
  let rootRss = 0;
  try {
    rootRss = kb(readFileSync(`/proc/${root}/status`, 'utf8'), 'VmRSS');
  } catch {
    // gone
  }
  return { rssBytes: rss, pssBytes: pss, rootRssBytes: rootRss, processes: pids.length };
}

function kb(text: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : 0;
}

/**
 * SIGTERM to `root`, then waits until every process of its tree is gone: the host may exit before its embedded
 * PostgreSQL has finished stopping, and a next start on the same port would then find it taken.
 */
export async function stopTree(root: number, timeoutMs = 30_000): Promise<void> {
  const pids = processTree(root);
  try {
    process.kill(root, 'SIGTERM');
  } catch {
    // already gone
  }
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive)) {
    if (Date.now() > deadline) throw new Error(`processes ${pids.filter(alive)} still running after SIGTERM`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function alive(pid: number): boolean {
  try {
    // A zombie (exited, not yet reaped by its parent) counts as gone.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
