import { describe, expect, it } from 'vitest';
import { failureRate, met, percentile, summarize, verdict } from '../src/lib/stats.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('picks the value at the rank, not one past it', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
  });

  it('handles tiny samples and empty ones', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2], 50)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  it('sorts its input before ranking (and leaves the input alone)', () => {
    const values = [30, 10, 20, 40];
    expect(summarize(values)).toEqual({ count: 4, p50: 20, p95: 40, p99: 40, max: 40 });
    expect(values).toEqual([30, 10, 20, 40]);
  });
});

describe('thresholds', () => {
  it('judges each operator at its boundary', () => {
    expect(met(199.9, { metric: 'p(95)', op: '<', target: 200 })).toBe(true);
    expect(met(200, { metric: 'p(95)', op: '<', target: 200 })).toBe(false);
    expect(met(100, { metric: 'lag', op: '<=', target: 100 })).toBe(true);
    expect(met(5000, { metric: 'rate', op: '>=', target: 5000 })).toBe(true);
    expect(met(4999, { metric: 'rate', op: '>=', target: 5000 })).toBe(false);
    expect(met(1, { metric: 'x', op: '>', target: 1 })).toBe(false);
  });

  it('never calls a missing measurement met', () => {
    expect(met(Number.NaN, { metric: 'p(95)', op: '<', target: 200 })).toBe(false);
  });

  it('prints the verdict with the target', () => {
    const threshold = { metric: 'http_req_failed', op: '<' as const, target: 0.01 };
    const percent = (n: number) => `${(n * 100).toFixed(2)}%`;
    expect(verdict(0.002, threshold, percent)).toBe('http_req_failed 0.20% < 1.00%: met');
    expect(verdict(0.05, threshold, percent)).toBe('http_req_failed 5.00% < 1.00%: not met');
  });

  it('counts an empty run as no failures', () => {
    expect(failureRate(0, 0)).toBe(0);
    expect(failureRate(1, 4)).toBe(0.25);
  });
});
