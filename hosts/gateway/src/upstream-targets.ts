/** How long a target that refused a connection is skipped before it is tried again (Kong's passive health check). */
const DOWN_FOR_MS = 5_000;

/**
 * The targets of one upstream (Kong's `upstreams[].targets`), taken in turn. A target that refused a connection is
 * skipped for a few seconds, so a restarting instance does not fail requests the other ones can answer.
 */
export class UpstreamTargets {
  private next = 0;
  private readonly downUntil = new Map<string, number>();

  constructor(
    readonly targets: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    if (!targets.length) throw new Error('an upstream needs at least one target');
  }

  /** The next target in turn that is not marked down (every one down: the next in turn anyway). */
  pick(exclude: ReadonlySet<string> = new Set()): string | undefined {
    const count = this.targets.length;
    for (let i = 0; i < count; i++) {
      const target = this.targets[(this.next + i) % count]!;
      if (exclude.has(target) || (this.downUntil.get(target) ?? 0) > this.now()) continue;
      this.next = (this.next + i + 1) % count;
      return target;
    }
    const fallback = this.targets.find((target) => !exclude.has(target));
    if (fallback) this.next = (this.targets.indexOf(fallback) + 1) % count;
    return fallback;
  }

  markDown(target: string): void {
    this.downUntil.set(target, this.now() + DOWN_FOR_MS);
  }
}

/** Connection errors that mean the request never reached the target, so another one may safely take it. */
export function neverDelivered(error: unknown): boolean {
  // reply-from wraps the client's error (ServiceUnavailableError, ConnectTimeoutError…) with the original as cause.
  for (let e = error as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 3; depth++) {
    if (e.code === 'ECONNREFUSED' || e.code === 'UND_ERR_CONNECT_TIMEOUT' || e.code === 'ENOTFOUND') return true;
    e = e.cause as typeof e;
  }
  return false;
}
