import { failureRate, type Summary, summarize } from './stats.js';

/** Per-operation timings and failures of a mixed-load run, in the k6 vocabulary (http_req_failed, p(95)). */
export class Recorder {
  private readonly timings = new Map<string, number[]>();
  private readonly failures = new Map<string, number>();
  /** First few failure answers per operation, to say why. */
  readonly samples = new Map<string, string[]>();

  record(operation: string, ms: number, ok: boolean, why?: string): void {
    const list = this.timings.get(operation) ?? [];
    list.push(ms);
    this.timings.set(operation, list);
    if (ok) return;
    this.failures.set(operation, (this.failures.get(operation) ?? 0) + 1);
    const samples = this.samples.get(operation) ?? [];
    if (samples.length < 3 && why) samples.push(why);
    this.samples.set(operation, samples);
  }

  operations(): string[] {
    return [...this.timings.keys()].sort();
  }

  summary(operation?: string): Summary & { failed: number; failedRate: number } {
    const names = operation ? [operation] : this.operations().filter((name) => !name.startsWith('ws '));
    const all = names.flatMap((name) => this.timings.get(name) ?? []);
    const failed = names.reduce((sum, name) => sum + (this.failures.get(name) ?? 0), 0);
    return { ...summarize(all), failed, failedRate: failureRate(failed, all.length) };
  }
}

/** A benchmarking client address per member (198.18.0.0/15), honoured by a gateway that trusts loopback. */
export function clientAddress(member: number): string {
  return `198.${18 + ((member >> 16) & 1)}.${(member >> 8) & 255}.${member & 255}`;
}

export interface Session {
  index: number;
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

/** One simulated member's HTTP calls through the gateway, each timed under an operation name. */
export class MemberClient {
  constructor(
    private readonly baseUrl: string,
    private readonly recorder: Recorder,
    public session: Session,
    /** Setup calls (registration at bcrypt cost 12 on a busy machine) may take long; measured ones give up sooner. */
    private readonly timeoutMs = 30_000,
  ) {}

  async call<T = Record<string, unknown>>(
    operation: string,
    method: string,
    path: string,
    body?: unknown,
    options: { anonymous?: boolean; expect?: number[] } = {},
  ): Promise<{ status: number; body: T } | undefined> {
    const started = performance.now();
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.anonymous ? {} : { authorization: `Bearer ${this.session.accessToken}` }),
          'x-forwarded-for': clientAddress(this.session.index + 1),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      const ok = response.status < 400 || (options.expect ?? []).includes(response.status);
      this.recorder.record(
        operation,
        performance.now() - started,
        ok,
        ok ? undefined : `${response.status} ${text.slice(0, 160)}`,
      );
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
    } catch (error) {
      this.recorder.record(operation, performance.now() - started, false, String((error as Error).message));
      return undefined;
    }
  }
}

/** Runs `work(i)` for i < count, `concurrency` at a time. */
export async function pool<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}
