/** Latency summaries and k6-style thresholds, shared by the benchmarks that judge a target. */

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** A threshold as k6 writes them: `p(95) < 200`, `rate < 0.01`, `events_per_s >= 5000`. */
export interface Threshold {
  metric: string;
  op: '<' | '<=' | '>' | '>=';
  target: number;
}

export function met(value: number, threshold: Threshold): boolean {
  if (Number.isNaN(value)) return false;
  switch (threshold.op) {
    case '<':
      return value < threshold.target;
    case '<=':
      return value <= threshold.target;
    case '>':
      return value > threshold.target;
    case '>=':
      return value >= threshold.target;
  }
}

/** `✓ http_req_failed 0.20% < 1%` style line, the verdict spelled out as met / not met. */
export function verdict(value: number, threshold: Threshold, format: (n: number) => string = String): string {
  return `${threshold.metric} ${format(value)} ${threshold.op} ${format(threshold.target)}: ${met(value, threshold) ? 'met' : 'not met'}`;
}

/** An error rate (0–1) that is 0 rather than NaN when nothing was sent. */
export function failureRate(failed: number, total: number): number {
  return total === 0 ? 0 : failed / total;
}
