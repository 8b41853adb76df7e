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

const NOT_CONNECTED = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND']);
/** The pooled connection died under the request (a killed instance): it may or may not have been processed. */
const CONNECTION_LOST = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

function codesOf(error: unknown): string[] {
  // reply-from wraps the client's error (ServiceUnavailableError, ConnectTimeoutError…) with the original as cause.
  const codes: string[] = [];
  for (let e = error as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 3; depth++) {
    if (e.code) codes.push(e.code);
    e = e.cause as typeof e;
  }
  return codes;
}

/**
 * Whether another target may take a request that failed this way: always when no connection was made (the
 * request never arrived); when the connection was lost under it, only if repeating it is harmless (an idempotent
 * method, or an Idempotency-Key the service deduplicates on).
 */
export function safeToResend(error: unknown, request: { method: string; headers: Record<string, unknown> }): boolean {
  const codes = codesOf(error);
  if (codes.some((code) => NOT_CONNECTED.has(code))) return true;
  if (!codes.some((code) => CONNECTION_LOST.has(code))) return false;
  return IDEMPOTENT_METHODS.has(request.method) || typeof request.headers['idempotency-key'] === 'string';
}
