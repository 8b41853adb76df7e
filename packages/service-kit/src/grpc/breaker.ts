import * as grpc from '@grpc/grpc-js';

export interface BreakerOptions {
  /** Consecutive calls that found the dependency down (UNAVAILABLE, DEADLINE_EXCEEDED) before it opens. */
  failureThreshold?: number;
  /** How long an open breaker refuses calls before letting one trial call through (half-open). */
  openMs?: number;
}

type State = 'closed' | 'open' | 'half-open';
const DOWN = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

/**
 * A circuit breaker per outbound dependency: after repeated calls that found the peer down, calls fail at once with
 * UNAVAILABLE (the kit answers 503) instead of each waiting for its deadline; after `openMs` one trial call goes
 * through, and its success closes the breaker again. Answers other than "down" (NOT_FOUND, INVALID_ARGUMENT…) mean
 * the peer is up.
 */
export class CircuitBreaker {
  private state: State = 'closed';
  private failures = 0;
  private openedAt = 0;
  private readonly threshold: number;
  private readonly openMs: number;

  constructor(
    readonly dependency: string,
    options: BreakerOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.threshold = options.failureThreshold ?? 5;
    this.openMs = options.openMs ?? 5_000;
  }

  get current(): State {
    return this.state;
  }

  async call<T>(run: () => Promise<T>): Promise<T> {
    if (this.state === 'open') {
      if (this.now() - this.openedAt < this.openMs) throw this.refusal();
      this.state = 'half-open';
    } else if (this.state === 'half-open') {
      throw this.refusal(); // one trial call at a time
    }
    try {
      const result = await run();
      this.state = 'closed';
      this.failures = 0;
      return result;
    } catch (error) {
      if (!DOWN.has((error as { code?: number }).code as grpc.status)) {
        this.state = 'closed'; // the peer answered, if only with a refusal
        this.failures = 0;
      } else if (this.state === 'half-open' || ++this.failures >= this.threshold) {
        this.state = 'open';
        this.openedAt = this.now();
      }
      throw error;
    }
  }

  private refusal(): grpc.ServiceError {
    return Object.assign(new Error(`14 UNAVAILABLE: circuit open for ${this.dependency}`), {
      code: grpc.status.UNAVAILABLE,
      details: `circuit open for ${this.dependency}`,
      metadata: new grpc.Metadata(),
    });
  }
}
