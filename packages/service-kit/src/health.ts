export type HealthCheck = () => Promise<void>;

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'up' | 'down'; latencyMs: number }>;
}

/** Readiness = every dependency answers within its timeout and we are not shutting down. */
export class Readiness {
  private draining = false;

  constructor(
    private readonly checks: Record<string, HealthCheck>,
    private readonly timeoutMs = 1500,
  ) {}

  add(name: string, check: HealthCheck): void {
    this.checks[name] = check;
  }

  /** From now on report not ready, so load balancers stop sending traffic before we close. */
  drain(): void {
    this.draining = true;
  }

  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      Object.entries(this.checks).map(async ([name, check]) => {
        const started = performance.now();
        let timer: NodeJS.Timeout | undefined;
        const up = await Promise.race([
          check().then(() => true),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), this.timeoutMs);
          }),
        ]).catch(() => false);
        clearTimeout(timer);
        const latencyMs = Math.round(performance.now() - started);
        return [name, { status: up ? 'up' : 'down', latencyMs }] as const;
      }),
    );
    const checks = Object.fromEntries(entries);
    const ok = !this.draining && entries.every(([, result]) => result.status === 'up');
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}
