import { headlines, report } from './report.js';
import { type Threshold, verdict } from './stats.js';

export interface Check {
  threshold: Threshold;
  value: number;
  format?: (n: number) => string;
}

/**
 * `report` for a benchmark with targets: the table and the headline, then one verdict per target ("met" / "not
 * met", the target spelled out), which also ends the headline line the runner writes into results.md.
 */
export function reportJudged(
  name: string,
  rows: Record<string, string | number>[],
  summary: Record<string, number | undefined>,
  checks: Check[],
): boolean {
  report(name, rows, summary);
  const verdicts = checks.map((check) => verdict(check.value, check.threshold, check.format ?? round));
  headlines[headlines.length - 1] += ` | ${verdicts.join('; ')}`;
  for (const line of verdicts) console.log(`  ${line}`);
  return verdicts.every((line) => line.endsWith(': met'));
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(n >= 100 ? 0 : 1);
}
